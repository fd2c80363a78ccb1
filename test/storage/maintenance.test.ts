import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMaintenance } from "../../src/storage/maintenance.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { createTestClock } from "../support/core-harness.js";
import { silentLogger } from "../support/silent-logger.js";
import { tinyPng } from "../support/tiny-png.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.dispose());

describe("maintenance", () => {
  it("forgets old event ids and expired link codes, keeps recent ones", async () => {
    const clock = createTestClock(new Date("2026-11-27T12:00:00Z"));
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
    const removed = await createMaintenance({ prisma, clock, logger: silentLogger }).runOnce();
    expect(removed).toEqual({ events: 1, linkCodes: 1, photos: 0, quarantined: 0 });
    expect((await prisma.processedEvent.findMany()).map((e) => e.id)).toEqual(["telegram:update:2"]);
    expect((await prisma.linkCode.findMany()).map((c) => c.code)).toEqual(["NEWCODE1"]);
  });

  it("removes photos of abandoned drafts after 30 days, never one an idea or news item took up", async () => {
    const clock = createTestClock(new Date("2026-11-27T12:00:00Z"));
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

    const removed = await createMaintenance({ prisma, clock, logger: silentLogger }).runOnce();
    expect(removed.photos).toBe(1);
    const left = (await prisma.photo.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((p) => p.id);
    expect(left).toEqual([recentDraft.id, ofIdea.id, ofNews.id]);
    expect(left).not.toContain(abandoned.id);
  });

  it("removes quarantined events after 30 days", async () => {
    const clock = createTestClock(new Date("2026-11-27T12:00:00Z"));
    const prisma = t.db.prisma;
    const row = (eventId: string, createdAt: Date) =>
      prisma.quarantinedEvent.create({ data: { channel: "telegram", instance: "7000000001", eventId, reason: "storing failed", payload: "{}", createdAt } });
    await row("1", new Date("2026-10-27T11:00:00Z"));
    await row("2", new Date("2026-10-29T12:00:00Z"));
    const removed = await createMaintenance({ prisma, clock, logger: silentLogger }).runOnce();
    expect(removed.quarantined).toBe(1);
    expect((await prisma.quarantinedEvent.findMany()).map((r) => r.eventId)).toEqual(["2"]);
  });
});
