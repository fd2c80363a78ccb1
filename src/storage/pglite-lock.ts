/**
 * An exclusive lock on a PGlite data folder.
 *
 * PGlite is a single-connection, in-process PostgreSQL with no lock of its own: two processes on
 * one folder would both write to it and corrupt it. The lock is a file created with O_EXCL that
 * holds the owner's pid and start time; a lock whose pid is gone is stale and taken over.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";

export const lockFileName = "mitreden.lock";

/** Another live process holds the data folder. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";

  constructor(
    readonly dataDir: string,
    /** Undefined when the lock file was still being written. */
    readonly otherPid: number | undefined,
    readonly otherStartedAt: string | undefined,
  ) {
    super(
      `The data folder ${dataDir} is in use by another mitreden process (pid ${otherPid ?? "unknown"}` +
        `${otherStartedAt ? `, started ${otherStartedAt}` : ""}). ` +
        "Stop that process first, or use PostgreSQL (DATABASE_URL) to run several processes.",
    );
  }
}

interface LockContent {
  pid: number;
  startedAt: string;
  host: string;
}

/** A held lock; release() is idempotent and also runs on process exit. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

// Folders locked by this process: a lock file naming our own pid but not listed here is left over
// from an earlier process that had the same pid (typical for pid 1 in a container).
const heldByThisProcess = new Set<string>();

const processStartedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockContent>;
    if (typeof parsed.pid !== "number" || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? ""), host: String(parsed.host ?? "") };
  } catch {
    return undefined;
  }
}

function isRecent(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 10_000;
  } catch {
    return false;
  }
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    const content: LockContent = { pid: process.pid, startedAt: processStartedAt, host: hostname() };
    writeSync(fd, `${JSON.stringify(content)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock on a data folder (which must exist) or throws {@link DataDirLockedError}.
 *
 * @example
 * const lock = acquireDataDirLock("./data", logger);
 * try { … } finally { lock.release(); }
 */
export function acquireDataDirLock(dataDir: string, logger: Logger): DataDirLock {
  const path = join(dataDir, lockFileName);
  if (heldByThisProcess.has(path)) throw new DataDirLockedError(dataDir, process.pid, processStartedAt);
  // Three attempts: enough to take over one stale lock even if another process races us once.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(path)) {
      heldByThisProcess.add(path);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        heldByThisProcess.delete(path);
        process.removeListener("exit", release);
        // Only remove the file while it is still ours.
        if (readLock(path)?.pid === process.pid) {
          try {
            unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        }
      };
      process.on("exit", release);
      return { path, release };
    }
    const other = readLock(path);
    // An unreadable lock that is only seconds old is most likely being written right now.
    if (!other && isRecent(path)) throw new DataDirLockedError(dataDir, undefined, undefined);
    if (other && isAlive(other.pid) && other.pid !== process.pid) {
      throw new DataDirLockedError(dataDir, other.pid, other.startedAt || undefined);
    }
    logger.warn(
      { dataDir, stalePid: other?.pid, staleStartedAt: other?.startedAt },
      "taking over a stale lock on the data folder (its process is gone)",
    );
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  const other = readLock(path);
  throw new DataDirLockedError(dataDir, other?.pid, other?.startedAt);
}
