import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/ports/clock.js";
import { createDispatcher } from "../../src/delivery/dispatcher.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { createPrismaAccess, type PrismaAccess } from "../../src/storage/prisma-access.js";
import { silentLogger } from "../support/silent-logger.js";
import { defaultTestPostgresUrl } from "../support/test-database.js";
import { createOutboxFixture, createScriptedSender, type OutboxFixture } from "./outbox-fixture.js";

const RECIPIENTS = 600;
let f: OutboxFixture;
let second: Database | undefined;
let secondAccess: PrismaAccess;

beforeAll(async () => {
  f = await createOutboxFixture();
  if (f.testDb.kind === "postgres") {
    // A second connection pool and PrismaClient on the same database, as a second process has.
    const [row] = await f.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    const name = row!.name;
    const url = new URL(process.env.MITREDEN_TEST_PG_URL ?? defaultTestPostgresUrl);
    url.pathname = `/${name}`;
    second = await openDatabase({ databaseUrl: url.toString(), migrate: false, logger: pino({ level: "silent" }) });
    secondAccess = createPrismaAccess(second.prisma);
  } else {
    // PGlite is one connection in one process; two dispatchers still race through it.
    secondAccess = f.access;
  }
});
afterAll(async () => {
  await second?.close();
  await f.dispose();
});

describe("two dispatchers on one database", () => {
  it("share a publish without sending any row twice", async () => {
    const publisher = createOutboxPublisher({ access: f.access, clock: systemClock });
    await f.prisma.subscription.createMany({
      data: Array.from({ length: RECIPIENTS }, (_, i) => ({
        channel: "telegram",
        chatId: `${100_000 + i}`,
        feed: "ideas",
        scope: "*",
        createdBy: "telegram:1",
      })),
    });
    await publisher.publish({
      audience: { kind: "feed", feed: "ideas", areaId: null },
      origin: "idea:9:published",
      title: "Neue Idee",
      content: () => ({ html: "Neue Idee: Bücherschrank am Dorfplatz" }),
    });
    const senderA = createScriptedSender("telegram", () => Date.now(), { delayMs: 1 });
    const senderB = createScriptedSender("telegram", () => Date.now(), { delayMs: 1 });
    const common = { logger: silentLogger, limits: { telegram: { perSecond: 100_000, burst: 1000 } }, concurrency: 8, batchSize: 24, idleMs: 10 };
    const a = createDispatcher({ ...common, access: f.access, senders: [senderA], ownerId: "A" });
    const b = createDispatcher({ ...common, access: secondAccess, senders: [senderB], ownerId: "B" });
    a.start();
    b.start();
    const deadline = Date.now() + 60_000;
    while (senderA.calls.length + senderB.calls.length < RECIPIENTS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.all([a.stop(), b.stop()]);
    const all = [...senderA.calls, ...senderB.calls].map((c) => c.chatId);
    expect(all).toHaveLength(RECIPIENTS);
    expect(new Set(all).size).toBe(RECIPIENTS);
    // Both took part (with PostgreSQL truly in parallel).
    expect(senderA.calls.length).toBeGreaterThan(0);
    expect(senderB.calls.length).toBeGreaterThan(0);
    expect(await f.prisma.delivery.count({ where: { status: "sent" } })).toBe(RECIPIENTS);
  });
});
