/**
 * The data export holds every kind of datum stored about a resident, seeded one of each, and
 * nothing of anyone else's: not another resident's idea or report, not an anonymous survey
 * response (which carries no resident id), not the name of the moderator who decided.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESIDENT_DATA_KINDS } from "../../../src/core/ports/resident-data.js";
import { createPrismaAccess } from "../../../src/storage/prisma-access.js";
import {
  buildResidentExport,
  countsOf,
  createResidentDataExport,
  RESIDENT_EXPORT_FORMAT,
  RESIDENT_EXPORT_VERSION,
  type ResidentExport,
} from "../../../src/storage/privacy/resident-export.js";
import { seedExampleIfEmpty } from "../../../src/storage/seed-example.js";
import { seedResidentData, type SeededResidentData } from "../../support/seed-resident-data.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

type Rows = Record<string, unknown>[];
const rows = (value: unknown): Rows => value as Rows;

describe("resident data export", () => {
  let testDb: TestDatabase;
  let seeded: SeededResidentData;
  let data: ResidentExport;
  let json: string;
  const now = new Date("2026-11-27T09:00:00Z");

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const prisma = testDb.db.prisma;
    await seedExampleIfEmpty(prisma);
    const resident = await prisma.resident.create({ data: { identities: { create: { id: "telegram:4711", channel: "telegram", privateChatId: "4711" } } } });
    seeded = await seedResidentData(prisma, resident.id, "telegram:4711", "a1b2c3");
    const built = await buildResidentExport(prisma, resident.id, now, { photoBudgetBytes: Infinity });
    data = built!;
    json = JSON.stringify(data);
  });
  afterAll(async () => testDb?.dispose());

  it("says what it is, which version of the shape, and that anonymous answers are not in it", () => {
    expect(data.format).toBe(RESIDENT_EXPORT_FORMAT);
    expect(data.version).toBe(RESIDENT_EXPORT_VERSION);
    expect(data.createdAt).toBe(now.toISOString());
    expect(data.notes["anonymousSurveys"]).toMatch(/anonymous surveys .* not included/);
  });

  it("holds the resident with language, village and the consent and block fields", () => {
    expect(data.resident).toMatchObject({
      id: seeded.residentId,
      language: "en",
      village: { slug: "hammah", name: "Hammah" },
      onboardedAt: "2026-11-01T10:00:00.000Z",
      privacyVersion: seeded.markers["consentVersion"],
      blockedAt: null,
    });
    expect(data.resident["createdAt"]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("holds every identity with messenger, name, private chat and first and last seen", () => {
    expect(rows(data.identities).map((i) => i["id"])).toEqual(["telegram:4711", seeded.matrixIdentity]);
    expect(rows(data.identities)[1]).toMatchObject({ messenger: "matrix", displayName: seeded.markers["displayName"], privateChatId: seeded.matrixRoom });
    expect(rows(data.identities)[0]!["firstSeenAt"]).toBeTypeOf("string");
    expect(rows(data.identities)[0]!["lastSeenAt"]).toBeTypeOf("string");
  });

  it("holds roles, the consent history in order, ideas with their status history", () => {
    expect(data.roles).toEqual([expect.objectContaining({ identity: seeded.matrixIdentity, role: "initiative_manager", scope: `initiative:${seeded.initiativeId}` })]);
    expect(rows(data.consents).map((c) => c["decision"])).toEqual(["given", "withdrawn", "given"]);
    const [idea] = rows(data.ideas);
    expect(idea).toMatchObject({ id: seeded.ideaId, title: seeded.markers["ideaTitle"], description: seeded.markers["ideaDescription"], status: "approved", photoId: seeded.photoId });
    expect(idea!["statusHistory"]).toEqual([
      expect.objectContaining({ from: null, to: "pending", byYou: true }),
      expect.objectContaining({ from: "pending", to: "approved", reason: seeded.markers["moderatorReason"], byYou: false }),
    ]);
  });

  it("holds supports, follows, initiative follows, reports and news", () => {
    expect(data.supports).toEqual([expect.objectContaining({ ideaId: seeded.otherIdeaId, ideaTitle: seeded.markers["otherIdeaTitle"] })]);
    expect(data.ideaFollows).toEqual([expect.objectContaining({ ideaId: seeded.otherIdeaId })]);
    expect(data.initiativeFollows).toEqual([expect.objectContaining({ initiativeId: seeded.initiativeId, initiative: seeded.markers["initiativeName"] })]);
    expect(data.reports).toEqual([expect.objectContaining({ targetType: "idea", targetId: seeded.otherIdeaId, reason: seeded.markers["reportReason"] })]);
    expect(data.news).toEqual([expect.objectContaining({ id: seeded.newsId, text: seeded.markers["newsText"], postedAs: seeded.matrixIdentity, status: "published" })]);
  });

  it("holds named survey answers and drafts, and no anonymous response", () => {
    const [response] = rows(data.surveyResponses);
    expect(response).toMatchObject({ surveyId: seeded.namedSurveyId, surveyTitle: { de: "Umfrage named", en: "Survey named" } });
    expect(response!["answers"]).toEqual([
      expect.objectContaining({ question: 1, option: { number: 1, label: { de: "Am Teich", en: "By the pond" } } }),
      expect.objectContaining({ question: 2, text: seeded.markers["surveyAnswerText"], textPublished: false }),
    ]);
    expect(rows(data.surveyResponses).some((r) => r["surveyId"] === seeded.anonymousSurveyId)).toBe(false);
    expect(data.surveyDrafts).toEqual([expect.objectContaining({ surveyId: seeded.anonymousSurveyId, position: 1, answers: { "1": { text: seeded.markers["draftText"] } } })]);
  });

  it("holds the photo with its bytes, and where it is used", () => {
    const [photo] = rows(data.photos);
    expect(photo).toMatchObject({ id: seeded.photoId, mimeType: "image/jpeg", sizeBytes: seeded.photoBytes.length, sentByYou: true, ideaIds: [seeded.ideaId] });
    expect(Buffer.from(String(photo!["base64"]), "base64").equals(Buffer.from(seeded.photoBytes))).toBe(true);
  });

  it("holds link codes and attempts, feed preferences, digests, subscriptions, conversations and pending deliveries", () => {
    expect(data.linkCodes).toEqual([expect.objectContaining({ code: seeded.markers["linkCode"] })]);
    expect(data.linkAttempts).toEqual([expect.objectContaining({ identity: "telegram:4711" })]);
    expect(data.linkClaims).toEqual([expect.objectContaining({ identity: seeded.matrixIdentity })]);
    expect(data.feedPreferences).toEqual([expect.objectContaining({ feed: "news", mode: "digest" })]);
    expect(data.digests).toEqual([expect.objectContaining({ day: "2026-11-26" })]);
    expect(rows(data.subscriptions).map((s) => [s["chatId"], s["yourPrivateChat"], s["createdByYou"]])).toEqual([
      [seeded.matrixRoom, true, true],
      [expect.stringMatching(/^-100/), false, true],
    ]);
    expect(data.conversations).toEqual([expect.objectContaining({ key: `matrix:${seeded.matrixRoom}`, flow: "ideas", step: "title" })]);
    // Only what is still on its way; a sent delivery into a group is no datum about the resident.
    expect(data.pendingDeliveries).toEqual([expect.objectContaining({ chatId: seeded.matrixRoom, status: "pending", about: seeded.markers["broadcastTitle"] })]);
  });

  it("holds the audit entries about them, without other people's names", () => {
    expect(rows(data.auditEntries).map((a) => [a["action"], a["byYou"]])).toEqual([
      ["resident.link", true],
      ["idea.approve", false],
      ["news.approve", false],
    ]);
    expect(json).not.toContain("Moderatorin Mona");
    expect(json).not.toContain("telegram:777");
  });

  it("holds nothing of anyone else and no anonymous answer", () => {
    for (const text of seeded.foreign) expect(json).not.toContain(text);
  });

  it("counts every kind for the summary", () => {
    const counts = countsOf(data);
    expect(Object.keys(counts).sort()).toEqual([...RESIDENT_DATA_KINDS].sort());
    for (const kind of RESIDENT_DATA_KINDS) expect(counts[kind], kind).toBeGreaterThan(0);
    expect(counts).toMatchObject({ identities: 2, consents: 3, ideas: 1, auditEntries: 3 });
  });

  it("lists photos past the size budget without their bytes, and finds no one who is not there", async () => {
    const small = await buildResidentExport(testDb.db.prisma, seeded.residentId, now, { photoBudgetBytes: 10 });
    expect(small!.photos).toEqual([expect.objectContaining({ id: seeded.photoId, sizeBytes: seeded.photoBytes.length, base64: null })]);
    expect(await buildResidentExport(testDb.db.prisma, 999_999, now, { photoBudgetBytes: 0 })).toBeUndefined();
  });

  it("gives the core the same document as JSON text with its counts", async () => {
    const port = createResidentDataExport(createPrismaAccess(testDb.db.prisma), { now: () => now });
    const file = await port.exportResident(seeded.residentId);
    expect(JSON.parse(file!.json)).toEqual(JSON.parse(json));
    expect(file!.counts).toEqual(countsOf(data));
    expect(await port.exportResident(999_999)).toBeUndefined();
  });
});
