import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/ports/clock.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { createPrismaAccess } from "../../src/storage/prisma-access.js";
import { createTestDatabase, defaultTestPostgresUrl, testDatabaseKind, type TestDatabase } from "../support/test-database.js";

const RECIPIENTS = 400;
const CONCURRENCY = 4;
/** Sent rows recorded per UPDATE; with CONCURRENCY it bounds the messages a crash leaves unrecorded. */
const FLUSH_SIZE = 4;
const CRASH_BOUND = CONCURRENCY + FLUSH_SIZE;
const LEASE_MS = 1_500;
const logger = pino({ level: "silent" });
const work = mkdtempSync(join(tmpdir(), "mitreden-crash-"));
const children: ChildProcess[] = [];
let testDb: TestDatabase | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await testDb?.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** Where the child opens the database: the PostgreSQL test database, or a PGlite folder. */
async function openShared(): Promise<{ db: Database; env: Record<string, string> }> {
  if (testDatabaseKind() === "postgres") {
    testDb = await createTestDatabase();
    const [row] = await testDb.db.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    const url = new URL(process.env.MITREDEN_TEST_PG_URL ?? defaultTestPostgresUrl);
    url.pathname = `/${row!.name}`;
    return { db: testDb.db, env: { CHILD_DATABASE_URL: url.toString() } };
  }
  const dataDir = join(work, "data");
  return { db: await openDatabase({ dataDir, logger }), env: { CHILD_DATA_DIR: dataDir } };
}

function startChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "dispatcher-child.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("started") && resolve(child));
    child.once("exit", (code) => reject(new Error(`child exited early with ${code}`)));
  });
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

async function waitFor(condition: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("crash safety", () => {
  it("delivers every message after kill -9 mid-publish; duplicates stay within in-flight + unrecorded", { timeout: 120_000 }, async () => {
    const shared = await openShared();
    const access = createPrismaAccess(shared.db.prisma);
    await shared.db.prisma.subscription.createMany({
      data: Array.from({ length: RECIPIENTS }, (_, i) => ({ channel: "telegram", chatId: `${700_000 + i}`, feed: "results", scope: "*", createdBy: "t" })),
    });
    await createOutboxPublisher({ access, clock: systemClock }).publish({
      audience: { kind: "feed", feed: "results", areaId: null },
      origin: "results:1",
      title: "Ergebnisse",
      content: () => ({ html: "Ergebnisse des Bürgerrats" }),
    });
    // PGlite allows one process per folder: hand it over to the child.
    if (!testDb) await shared.db.close();

    const out = join(work, "sent.txt");
    const env = { ...shared.env, CHILD_OUT: out, CHILD_CONCURRENCY: String(CONCURRENCY), CHILD_FLUSH_SIZE: String(FLUSH_SIZE), CHILD_LEASE_MS: String(LEASE_MS) };
    const first = await startChild(env);
    await waitFor(() => lines(out).length >= RECIPIENTS / 4, 60_000);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = lines(out).length;
    expect(atKill).toBeLessThan(RECIPIENTS);

    const second = await startChild(env);
    let check: Database | undefined;
    if (testDb) {
      await waitFor(async () => (await testDb!.db.prisma.delivery.count({ where: { status: "sent" } })) === RECIPIENTS, 60_000);
    } else {
      await waitFor(() => new Set(lines(out)).size === RECIPIENTS, 60_000);
    }
    second.kill("SIGTERM");
    await new Promise((r) => second.once("exit", r));
    if (!testDb) check = await openDatabase({ dataDir: join(work, "data"), migrate: false, logger });
    const prisma = testDb?.db.prisma ?? check!.prisma;
    try {
      const sent = lines(out);
      const counts = new Map<string, number>();
      for (const chat of sent) counts.set(chat, (counts.get(chat) ?? 0) + 1);
      const duplicates = [...counts.values()].filter((c) => c > 1).length;
      // Every recipient got the message; at most the sends in flight at the kill plus the sent rows
      // not yet recorded (one flush batch) arrived twice.
      expect(counts.size).toBe(RECIPIENTS);
      expect([...counts.values()].every((c) => c <= 2)).toBe(true);
      expect(duplicates).toBeLessThanOrEqual(CRASH_BOUND);
      expect(await prisma.delivery.count({ where: { status: "sent" } })).toBe(RECIPIENTS);
      process.stdout.write(`crash test: ${atKill} sent before kill -9, ${duplicates} duplicate(s) (bound: ${CONCURRENCY} in flight + ${FLUSH_SIZE} unrecorded = ${CRASH_BOUND})\n`);
    } finally {
      await check?.close();
    }
  });
});
