import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { acquireDataDirLock, DataDirLockedError, lockFileName } from "../../src/storage/pglite-lock.js";

const silent = pino({ level: "silent" });
const lockModule = fileURLToPath(new URL("../../src/storage/pglite-lock.ts", import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mitreden-lock-"));
  dirs.push(dir);
  return dir;
}

function capturingLogger(lines: string[]) {
  return pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
}

/** A separate process that takes the lock through the real module and then waits to be killed. */
async function childHoldingLock(dir: string): Promise<ChildProcess> {
  const script = `
    import pino from "pino";
    import { acquireDataDirLock } from ${JSON.stringify(lockModule)};
    acquireDataDirLock(${JSON.stringify(dir)}, pino({ level: "silent" }));
    process.stdout.write("locked\\n");
    setTimeout(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("child did not take the lock within 15 s")), 15_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited early with ${code}`));
    });
  });
  return child;
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    // SIGKILL: no exit handler runs, so the lock file stays behind, as after a crash.
    child.kill("SIGKILL");
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("acquireDataDirLock", () => {
  it("refuses a second holder in the same process and frees the folder on release", () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir, silent);
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid });
    expect(() => acquireDataDirLock(dir, silent)).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(join(dir, lockFileName))).toBe(false);
    acquireDataDirLock(dir, silent).release();
  });

  it("refuses while another live process holds the lock, and takes it over once that process is gone", async () => {
    const dir = tempDir();
    const child = await childHoldingLock(dir);
    let refused: unknown;
    try {
      acquireDataDirLock(dir, silent);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    const locked = refused as DataDirLockedError;
    expect(locked.otherPid).toBe(child.pid);
    expect(locked.dataDir).toBe(dir);
    expect(locked.message).toContain(`pid ${child.pid}`);

    await killAndWait(child);
    expect(existsSync(join(dir, lockFileName))).toBe(true);
    const lines: string[] = [];
    const lock = acquireDataDirLock(dir, capturingLogger(lines));
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid });
    expect(lines.join("")).toMatch(/stale lock/);
    expect(lines.join("")).toContain(String(child.pid));
    lock.release();
  }, 30_000);

  it("takes over a lock left by an earlier process with our own pid (pid 1 in a container)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, lockFileName), JSON.stringify({ pid: process.pid, startedAt: "2000-01-01T00:00:00.000Z", host: "old" }));
    const lines: string[] = [];
    const lock = acquireDataDirLock(dir, capturingLogger(lines));
    expect(lines.join("")).toMatch(/stale lock/);
    lock.release();
  });

  it("treats a fresh unreadable lock file as held (it is being written)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, lockFileName), "");
    expect(() => acquireDataDirLock(dir, silent)).toThrow(DataDirLockedError);
  });
});

describe("openDatabase on a PGlite folder", () => {
  it("refuses a second open of the same folder until the first is closed, and keeps the data", async () => {
    const dir = tempDir();
    const first = await openDatabase({ dataDir: dir, logger: silent });
    try {
      await first.prisma.area.create({ data: { slug: "hammah", name: "Hammah", population: 3066 } });
      await expect(openDatabase({ dataDir: dir, logger: silent })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir, lockFileName))).toBe(false);
    const second = await openDatabase({ dataDir: dir, logger: silent });
    try {
      expect(await second.prisma.area.findUnique({ where: { slug: "hammah" } })).toMatchObject({ name: "Hammah", population: 3066 });
    } finally {
      await second.close();
    }
  }, 60_000);
});
