import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/ports/clock.js";
import type { Logger } from "../../src/core/ports/logger.js";
import type { Translator } from "../../src/core/ports/translator.js";
import { createTranslator } from "../../src/i18n/translator.js";
import { createMaintenance, monthsBefore, type RetentionPeriods } from "../../src/storage/maintenance.js";
import { createOutboxOverview } from "../../src/storage/outbox/outbox-overview.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { createPrismaAccess, type PrismaAccess } from "../../src/storage/prisma-access.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { createTestClock } from "../support/core-harness.js";
import { silentLogger } from "../support/silent-logger.js";
import { tinyPng } from "../support/tiny-png.js";

let t: TestDatabase;
let access: PrismaAccess;
let translator: Translator;
beforeAll(async () => {
  t = await createTestDatabase();
  access = createPrismaAccess(t.db.prisma);
  translator = await createTranslator();
});
afterAll(async () => t.dispose());

const DAY = 24 * 3_600_000;
const NOW = new Date("2026-11-27T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function maintenance(options: { clock?: Clock; periods?: Partial<RetentionPeriods>; batchSize?: number; logger?: Logger } = {}) {
  const clock = options.clock ?? createTestClock(NOW);
  return createMaintenance({
    access,
    clock,
    logger: options.logger ?? silentLogger,
    publisher: createOutboxPublisher({ access, clock }),
    translator,
    erase: async (id) => {
      throw new Error(`no resident is old enough to be erased here (${id})`);
    },
    ...(options.periods ? { periods: options.periods } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
}

describe("maintenance", () => {
  it("forgets old event ids and expired link codes, keeps recent ones", async () => {
    const prisma = t.db.prisma;
    const resident = await prisma.resident.create({ data: {} });
    await prisma.processedEvent.createMany({
      data: [
        { id: "telegram:update:1", processedAt: new Date("2026-11-20T12:00:00Z") },
        { id: "telegram:update:2", processedAt: new Date("2026-11-27T11:00:00Z") },
      ],
    });
    await prisma.linkCode.createMany({
      data: [
        { code: "OLDCODE1", residentId: resident.id, expiresAt: new Date("2026-11-27T11:59:00Z") },
        { code: "NEWCODE1", residentId: resident.id, expiresAt: new Date("2026-11-27T12:10:00Z") },
      ],
    });
    const removed = await maintenance().runOnce();
    expect(removed).toMatchObject({ events: 1, linkCodes: 1, photos: 0, quarantined: 0 });
    expect((await prisma.processedEvent.findMany()).map((e) => e.id)).toEqual(["telegram:update:2"]);
    expect((await prisma.linkCode.findMany()).map((c) => c.code)).toEqual(["NEWCODE1"]);
  });

  it("removes photos of abandoned drafts after 30 days, never one an idea or news item took up", async () => {
    const prisma = t.db.prisma;
    const old = new Date("2026-10-01T12:00:00Z");
    const photo = (createdAt: Date) => prisma.photo.create({ data: { bytes: tinyPng(), mimeType: "image/png", createdAt } });
    const abandoned = await photo(old);
    const recentDraft = await photo(new Date("2026-11-20T12:00:00Z"));
    const ofIdea = await photo(old);
    const ofNews = await photo(old);
    await prisma.idea.create({ data: { title: "Bank", description: "Eine Bank am Teich", category: "other", photoId: ofIdea.id } });
    const initiative = await prisma.initiative.create({ data: { slug: "chor-photo", name: "Chor" } });
    await prisma.newsItem.create({ data: { initiativeId: initiative.id, authorId: "telegram:1", text: "Probe", photoId: ofNews.id } });

    const removed = await maintenance().runOnce();
    expect(removed.photos).toBe(1);
    const left = (await prisma.photo.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((p) => p.id);
    expect(left).toEqual([recentDraft.id, ofIdea.id, ofNews.id]);
    expect(left).not.toContain(abandoned.id);

    // A shorter configured period takes the recent draft's photo too.
    expect((await maintenance({ periods: { draftPhotosDays: 5 } }).runOnce()).photos).toBe(1);
    expect(await prisma.photo.count({ where: { id: recentDraft.id } })).toBe(0);
  });

  it("removes quarantined events after 30 days, or the configured period", async () => {
    const prisma = t.db.prisma;
    const row = (eventId: string, createdAt: Date) =>
      prisma.quarantinedEvent.create({ data: { channel: "telegram", instance: "7000000001", eventId, reason: "storing failed", payload: "{}", createdAt } });
    await row("1", new Date("2026-10-27T11:00:00Z"));
    await row("2", new Date("2026-10-29T12:00:00Z"));
    await row("3", new Date("2026-11-26T12:00:00Z"));
    const removed = await maintenance().runOnce();
    expect(removed.quarantined).toBe(1);
    expect((await prisma.quarantinedEvent.findMany({ where: { instance: "7000000001" }, orderBy: { id: "asc" } })).map((r) => r.eventId)).toEqual(["2", "3"]);
    expect((await maintenance({ periods: { quarantineDays: 7 } }).runOnce()).quarantined).toBe(1);
    expect((await prisma.quarantinedEvent.findMany({ where: { instance: "7000000001" } })).map((r) => r.eventId)).toEqual(["3"]);
  });

  it("clears kept replies after their own, shorter period and keeps the record that recognises a redelivery", async () => {
    const prisma = t.db.prisma;
    const reply = { locale: "de", messages: [{ html: "Danke" }] };
    await prisma.processedEvent.createMany({
      data: [
        { id: "kept:4d", processedAt: ago(4 * DAY), reply },
        { id: "kept:2d", processedAt: ago(2 * DAY), reply },
        { id: "kept:12h", processedAt: ago(DAY / 2), reply },
      ],
    });
    const removed = await maintenance({ periods: { eventsDays: 3, keptRepliesDays: 1 } }).runOnce();
    expect(removed.events).toBe(1);
    expect(removed.keptReplies).toBe(1);
    const rows = await prisma.processedEvent.findMany({ where: { id: { startsWith: "kept:" } }, orderBy: { processedAt: "asc" } });
    expect(rows.map((r) => [r.id, r.reply])).toEqual([
      ["kept:2d", null],
      ["kept:12h", reply],
    ]);
  });

  it("deletes in bounded batches until nothing old is left", async () => {
    const prisma = t.db.prisma;
    await prisma.processedEvent.createMany({ data: Array.from({ length: 7 }, (_, i) => ({ id: `batch:${i}`, processedAt: ago(5 * DAY) })) });
    await prisma.processedEvent.create({ data: { id: "batch:young", processedAt: ago(DAY) } });
    const removed = await maintenance({ batchSize: 2 }).runOnce();
    expect(removed.events).toBe(7);
    expect((await prisma.processedEvent.findMany({ where: { id: { startsWith: "batch:" } } })).map((r) => r.id)).toEqual(["batch:young"]);
  });

  it("moves Telegram inbox leftovers into the quarantine after 7 days and never touches a live row", async () => {
    const prisma = t.db.prisma;
    const botId = "7000000042";
    const update = (id: number) => ({ update_id: id, message: { message_id: id, text: `Nachricht ${id}`, chat: { id: 55, type: "private" } } });
    await prisma.telegramInboxUpdate.createMany({
      data: [
        { botId, updateId: 100n, payload: update(100), replays: 2, receivedAt: ago(8 * DAY) },
        { botId, updateId: 101n, payload: update(101), receivedAt: ago(6 * DAY) },
        { botId, updateId: 102n, payload: update(102), receivedAt: ago(60_000) },
      ],
    });
    const live = await prisma.telegramInboxUpdate.findUniqueOrThrow({ where: { botId_updateId: { botId, updateId: 102n } } });

    const removed = await maintenance().runOnce();
    expect(removed.inboxSetAside).toBe(1);
    const left = await prisma.telegramInboxUpdate.findMany({ where: { botId }, orderBy: { updateId: "asc" } });
    expect(left.map((r) => r.updateId)).toEqual([101n, 102n]);
    expect(left[1]).toEqual(live);
    const [aside] = await prisma.quarantinedEvent.findMany({ where: { instance: botId } });
    expect(aside).toMatchObject({ channel: "telegram", eventId: "100", createdAt: NOW });
    expect(aside!.reason).toContain("after 7 days");
    expect(aside!.reason).toContain("replayed 2 times");
    expect(JSON.parse(aside!.payload)).toEqual(update(100));

    // The leftover stays in the quarantine for the quarantine's period, counted from the move
    // (29 days on, the two other rows have become leftovers too).
    const asideIds = async () => (await prisma.quarantinedEvent.findMany({ where: { instance: botId }, orderBy: { eventId: "asc" } })).map((r) => r.eventId);
    await maintenance({ clock: createTestClock(new Date(NOW.getTime() + 29 * DAY)) }).runOnce();
    expect(await asideIds()).toEqual(["100", "101", "102"]);
    expect(await prisma.telegramInboxUpdate.count({ where: { botId } })).toBe(0);
    await maintenance({ clock: createTestClock(new Date(NOW.getTime() + 31 * DAY)) }).runOnce();
    expect(await asideIds()).toEqual(["101", "102"]);
  });

  it("removes finished deliveries after 90 days, and publishes whose deliveries are all finished; /broadcasts still adds up", async () => {
    const prisma = t.db.prisma;
    const broadcast = (title: string, createdAt: Date, statuses: string[]) =>
      prisma.broadcast.create({
        data: {
          origin: "test:deliveries",
          title,
          createdAt,
          contents: { create: [{ locale: "de", html: title }] },
          deliveries: { create: statuses.map((status, i) => ({ channel: "telegram", chatId: `${title}-${i}`, locale: "de", status, createdAt })) },
        },
      });
    const finished = await broadcast("finished", ago(91 * DAY), ["sent", "sent", "failed"]);
    const unfinished = await broadcast("unfinished", ago(91 * DAY), ["sent", "pending"]);
    const recent = await broadcast("recent", ago(89 * DAY), ["sent", "failed"]);
    await prisma.digestRun.createMany({
      data: [
        { residentId: 1, day: "2026-08-01", broadcastId: finished.id, createdAt: ago(91 * DAY) },
        { residentId: 1, day: "2026-11-26", broadcastId: recent.id, createdAt: ago(DAY / 2) },
      ],
    });

    const removed = await maintenance().runOnce();
    expect(removed).toMatchObject({ deliveries: 4, broadcasts: 1, digestRuns: 1 });
    expect(await prisma.broadcast.count({ where: { id: finished.id } })).toBe(0);
    expect(await prisma.broadcastContent.count({ where: { broadcastId: finished.id } })).toBe(0);
    expect(await prisma.delivery.count({ where: { broadcastId: finished.id } })).toBe(0);
    expect((await prisma.delivery.findMany({ where: { broadcastId: unfinished.id } })).map((d) => d.status)).toEqual(["pending"]);
    expect(await prisma.broadcastContent.count({ where: { broadcastId: unfinished.id } })).toBe(1);
    expect(await prisma.delivery.count({ where: { broadcastId: recent.id } })).toBe(2);
    expect((await prisma.digestRun.findMany()).map((d) => d.day)).toEqual(["2026-11-26"]);

    const overview = (await createOutboxOverview(access).recent(10)).filter((b) => b.origin === "test:deliveries");
    expect(overview.map((b) => [b.title, b.sent, b.pending, b.failed])).toEqual([
      ["recent", 1, 0, 1],
      ["unfinished", 0, 1, 0],
    ]);

    // Once its last row is finished, the remaining publish goes at the next pass.
    await prisma.delivery.updateMany({ where: { broadcastId: unfinished.id }, data: { status: "sent" } });
    expect(await maintenance().runOnce()).toMatchObject({ deliveries: 1, broadcasts: 1 });
    expect(await prisma.broadcast.count({ where: { id: unfinished.id } })).toBe(0);
  });

  it("logs what a pass removed", async () => {
    const lines: { obj: object; msg: string | undefined }[] = [];
    const logger: Logger = { ...silentLogger, info: (obj, msg) => void lines.push({ obj, msg }), child: () => logger };
    await t.db.prisma.processedEvent.create({ data: { id: "logged:1", processedAt: ago(4 * DAY) } });
    await maintenance({ logger }).runOnce();
    expect(lines).toContainEqual({ obj: { events: 1 }, msg: "maintenance removed old rows" });
  });

  it("counts calendar months back, clamping to the shorter month", () => {
    expect(monthsBefore(new Date("2029-03-31T10:00:00Z"), 1)).toEqual(new Date("2029-02-28T10:00:00Z"));
    expect(monthsBefore(new Date("2029-01-15T10:00:00Z"), 24)).toEqual(new Date("2027-01-15T10:00:00Z"));
  });
});
