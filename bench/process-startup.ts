/**
 * Benchmark 4: `npm start` with the terminal channel, timed from spawn until the greeting (the
 * language choice) is on stdout, on a fresh data folder (initdb + migrations) and again on the
 * now migrated one; then the idle RSS of the process tree after it settled.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { round } from "./lib/stats.js";

export interface StartupRun {
  readonly msToFirstAnswer: number;
  /** RSS of the bot's own node process (the largest in the tree), MB, after `idleMs`. */
  readonly idleRssMb: number;
  /** RSS of npm, tsx and the bot together, MB. */
  readonly treeRssMb: number;
}

export interface ProcessStartupResult {
  readonly fresh: StartupRun;
  readonly migrated: StartupRun;
  readonly idleMs: number;
}

const GREETING = "2. English";

/** pid → [ppid, rss kB] of every process, from ps. */
function processTable(): Map<number, [number, number]> {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,rss="], { encoding: "utf8" });
  const table = new Map<number, [number, number]>();
  for (const line of out.split("\n")) {
    const [pid, ppid, rss] = line.trim().split(/\s+/).map(Number);
    if (pid !== undefined && ppid !== undefined && rss !== undefined && Number.isFinite(pid)) table.set(pid, [ppid, rss]);
  }
  return table;
}

function treeRss(root: number): { largestKb: number; totalKb: number } {
  const table = processTable();
  const members = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, [ppid]] of table) {
      if (!members.has(pid) && members.has(ppid)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  const sizes = [...members].map((pid) => table.get(pid)?.[1] ?? 0);
  return { largestKb: Math.max(...sizes), totalKb: sizes.reduce((a, b) => a + b, 0) };
}

async function startOnce(dataDir: string, idleMs: number, timeoutMs: number): Promise<StartupRun> {
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: join(import.meta.dirname, ".."),
    env: { ...process.env, MITREDEN_DATA_DIR: dataDir, LANG: "de_DE.UTF-8", DATABASE_URL: "", TELEGRAM_BOT_TOKEN: "", MATRIX_HOMESERVER_URL: "", LOG_LEVEL: "warn" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const msToFirstAnswer = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no greeting within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        if (stdout.includes(GREETING)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before greeting; stderr: ${stderr.slice(-2000)}`));
      });
    });
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const rss = child.pid === undefined ? { largestKb: 0, totalKb: 0 } : treeRss(child.pid);
    return { msToFirstAnswer: round(msToFirstAnswer, 0), idleRssMb: round(rss.largestKb / 1024, 1), treeRssMb: round(rss.totalKb / 1024, 1) };
  } finally {
    child.stdin.end();
    const timer = setTimeout(() => child.kill("SIGTERM"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function runProcessStartup(options: { idleMs?: number; timeoutMs?: number } = {}): Promise<ProcessStartupResult> {
  const idleMs = options.idleMs ?? 3_000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dataDir = mkdtempSync(join(tmpdir(), "mitreden-bench-start-"));
  try {
    const fresh = await startOnce(dataDir, idleMs, timeoutMs);
    const migrated = await startOnce(dataDir, idleMs, timeoutMs);
    return { fresh, migrated, idleMs };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
