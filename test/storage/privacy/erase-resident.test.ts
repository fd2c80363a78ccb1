/**
 * Erasure, proven against the database catalogue: a resident with one of everything is erased
 * (through eraseResident, the admin command and /delete in the terminal), then every table and
 * every text and JSON column the migrations created is searched for anything of them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { deleteResident } from "../../../src/admin/resident-delete-command.js";
import type { AdminContext } from "../../../src/admin/cli.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import { ERASED_IDENTITY, eraseResident, previewErasure, ResidentNotFoundError } from "../../../src/storage/privacy/erase-resident.js";
import type { PrismaClient } from "../../../src/storage/generated/prisma/client.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { catalogueColumns, keptAfterErasure, scanForResident } from "../../support/erasure-scan.js";
import { terminalChat } from "../../support/terminal-chat.js";
import { fullFeatures } from "../../e2e/hostile/full-features.js";
import { BERT, BOT_ID, ERIKA, seedEverything, type Seeded } from "./erasure-seed.js";

let harness: CoreHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function setUp(options: { console?: boolean } = {}): Promise<{ h: CoreHarness; prisma: PrismaClient; seeded: Seeded }> {
  harness = await createCoreHarness({ features: fullFeatures });
  const prisma = harness.db.prisma;
  return { h: harness, prisma, seeded: await seedEverything(prisma, options) };
}

/** Row counts of every table, to prove that something changed nothing. */
async function tableCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const tables = [...new Set((await catalogueColumns(prisma)).map((c) => c.table))];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rows = await prisma.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT count(*) AS n FROM "${table}"`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Nothing of Erika outside the kept list, and (with this seed) not even inside it. */
async function expectNoTrace(prisma: PrismaClient, seeded: Seeded): Promise<void> {
  const scan = await scanForResident(prisma, seeded.traces);
  expect(scan.traces).toEqual([]);
  // The scan really reads the columns where a trace would be: a sanity check of the catalogue query.
  expect(scan.textColumns).toEqual(expect.arrayContaining(["Identity.displayName", "Conversation.data", "ProcessedEvent.reply", "TelegramInboxUpdate.payload", "QuarantinedEvent.payload", "AuditLog.actorName"]));
  expect(scan.residentColumns).toEqual(expect.arrayContaining(["Resident.id", "Idea.authorId", "Report.reporterId", "Photo.ownerResidentId", "NewsItem.authorResidentId", "Conversation.residentId", "DigestRun.residentId"]));
  const strict = await scanForResident(prisma, seeded.traces, new Set());
  expect(strict.traces, "the seed wrote no names into free texts, so even kept columns hold nothing of her").toEqual([]);
}

/** What belongs to Bert, or to everyone, survives. */
async function expectOthersKept(prisma: PrismaClient, seeded: Seeded): Promise<void> {
  expect(await prisma.resident.findUnique({ where: { id: seeded.bertId } })).not.toBeNull();
  expect(await prisma.identity.findUnique({ where: { id: BERT.telegram } })).not.toBeNull();
  expect(await prisma.processedEvent.findUnique({ where: { id: "telegram:update:9003" } })).not.toBeNull();
  expect(await prisma.telegramInboxUpdate.findUnique({ where: { botId_updateId: { botId: BOT_ID, updateId: 9004n } } })).not.toBeNull();
  expect(await prisma.quarantinedEvent.count({ where: { eventId: "9006" } })).toBe(1);
  expect(await prisma.delivery.count({ where: { chatId: String(BERT.user) } })).toBe(1);
  expect(await prisma.subscription.findFirst({ where: { chatId: "-100777" } })).toMatchObject({ createdBy: ERASED_IDENTITY });
  expect(await prisma.roleAssignment.findFirst({ where: { identity: BERT.telegram } })).toMatchObject({ grantedBy: ERASED_IDENTITY });
  // Her support of Bert's idea is gone, so it counts one (his own).
  expect(await prisma.support.count({ where: { ideaId: seeded.bertIdeaId } })).toBe(1);
  expect(await prisma.surveyResponse.findUnique({ where: { id: seeded.anonymousResponseId }, include: { answers: true } })).toMatchObject({ voterToken: "tok-anon-1", answers: [{ text: "Mehr Bänke" }] });
  // A group's conversation stays, without her.
  expect(await prisma.conversation.findUnique({ where: { key: "telegram:-100777" } })).toMatchObject({ residentId: null });
}

async function expectAnonymised(prisma: PrismaClient, seeded: Seeded): Promise<void> {
  const idea = await prisma.idea.findUniqueOrThrow({ where: { id: seeded.ideaId }, include: { photo: true, statusChanges: { orderBy: { id: "asc" } } } });
  expect(idea).toMatchObject({ authorId: null, title: "Eine Bank am Dorfteich", status: "approved" });
  expect(idea.photo?.ownerResidentId).toBeNull();
  expect(idea.statusChanges[0]).toMatchObject({ actorIdentity: ERASED_IDENTITY, actorName: "erased resident" });
  expect(idea.statusChanges[1]).toMatchObject({ actorIdentity: "telegram:1" });
  const news = await prisma.newsItem.findUniqueOrThrow({ where: { id: seeded.newsId }, include: { photo: true } });
  expect(news).toMatchObject({ authorResidentId: null, authorId: ERASED_IDENTITY, text: "Tag der offenen Tür" });
  expect(news.photo?.ownerResidentId).toBeNull();
  // The draft photo is gone; the two attached ones stay.
  expect(await prisma.photo.count()).toBe(2);
  expect(await prisma.report.count({ where: { reason: "doppelt", reporterId: null } })).toBe(1);
}

/** The erasure is in the audit log under a random reference; acts about her point to it. */
async function expectAudited(prisma: PrismaClient, actor: string): Promise<string> {
  const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: "resident.erase" } });
  expect(entry).toMatchObject({ actorIdentity: actor, targetType: "resident" });
  expect(entry.targetId).toMatch(/^E-[0-9a-f]{12}$/);
  const about = await prisma.auditLog.findMany({ where: { action: { in: ["resident.link", "resident.block"] } }, orderBy: { id: "asc" } });
  expect(about.map((a) => a.targetId)).toEqual([entry.targetId, entry.targetId]);
  expect(about[0]).toMatchObject({ actorIdentity: ERASED_IDENTITY, reason: `${ERASED_IDENTITY}, ${ERASED_IDENTITY}` });
  expect(about[1]).toMatchObject({ actorIdentity: "telegram:1", reason: "Beleidigung" });
  expect(await prisma.councilResult.findFirstOrThrow()).toMatchObject({ authorIdentity: ERASED_IDENTITY, authorName: "erased resident", text: "Wir empfehlen die Bank." });
  return entry.targetId;
}

describe("eraseResident", () => {
  it("leaves nothing of the resident but what docs/privacy.md lists, and keeps everyone else's data", async () => {
    const { h, prisma, seeded } = await setUp();
    const result = await eraseResident(h.access, seeded.residentId, { contributions: "anonymise", actor: "resident", reason: "own request" });
    expect(result.removed).toMatchObject({
      resident: 1,
      identities: 2,
      conversations: 2,
      processedEvents: 1,
      telegramInbox: 1,
      quarantine: 2,
      consents: 1,
      feedPreferences: 1,
      digestRuns: 1,
      follows: 1,
      initiativeFollows: 1,
      supports: 1,
      linkCodes: 1,
      linkAttempts: 1,
      linkClaims: 1,
      deliveries: 1,
      subscriptions: 1,
      surveyDrafts: 1,
      surveyResponses: 1,
      roles: 2,
      photos: 1,
      ideas: 0,
      news: 0,
    });
    expect(result.anonymised).toMatchObject({ ideas: 1, news: 1, photos: 2, reports: 1, statusChanges: 2, councilResults: 1, subscriptionsCreated: 1, rolesGranted: 1, conversations: 1 });
    expect(await expectAudited(prisma, "resident")).toBe(result.reference);
    await expectNoTrace(prisma, seeded);
    await expectOthersKept(prisma, seeded);
    await expectAnonymised(prisma, seeded);
    await expect(eraseResident(h.access, seeded.residentId, { contributions: "anonymise", actor: "resident", reason: "again" })).rejects.toBeInstanceOf(ResidentNotFoundError);
  });

  it("with contributions=delete removes their ideas and news with photos, history and reports about them", async () => {
    const { h, prisma, seeded } = await setUp();
    const result = await eraseResident(h.db.prisma, seeded.residentId, { contributions: "delete", actor: "retention", reason: "inactive" });
    expect(result.removed).toMatchObject({ ideas: 1, news: 1, photos: 3, reports: 2 });
    expect(await prisma.idea.findUnique({ where: { id: seeded.ideaId } })).toBeNull();
    expect(await prisma.newsItem.findUnique({ where: { id: seeded.newsId } })).toBeNull();
    expect(await prisma.photo.count()).toBe(0);
    // Bert's support of her idea went with it; his own idea stays.
    expect(await prisma.support.count({ where: { residentId: seeded.bertId } })).toBe(1);
    expect(await prisma.idea.findUnique({ where: { id: seeded.bertIdeaId } })).not.toBeNull();
    await expectAudited(prisma, "retention");
    await expectNoTrace(prisma, seeded);
    await expectOthersKept(prisma, seeded);
  });

  it("joins the running unit of work: rolled back with it, nothing is erased", async () => {
    const { h, prisma, seeded } = await setUp();
    const before = await tableCounts(prisma);
    await expect(
      h.access.run(async () => {
        await eraseResident(h.access, seeded.residentId, { contributions: "anonymise", actor: "resident", reason: "own request" });
        expect(await h.access.client().resident.findUnique({ where: { id: seeded.residentId } })).toBeNull();
        throw new Error("the turn failed afterwards");
      }),
    ).rejects.toThrow("the turn failed afterwards");
    expect(await tableCounts(prisma)).toEqual(before);
    expect(await prisma.identity.count({ where: { residentId: seeded.residentId } })).toBe(2);
  });

  it("previews by counting in a rolled-back run", async () => {
    const { prisma, seeded } = await setUp();
    const before = await tableCounts(prisma);
    const preview = await previewErasure(prisma, seeded.residentId, "anonymise");
    expect(preview.removed).toMatchObject({ resident: 1, identities: 2, supports: 1 });
    expect(await tableCounts(prisma)).toEqual(before);
  });

  it("reads the kept list from docs/privacy.md, and every listed column exists", async () => {
    const { prisma } = await setUp();
    const kept = keptAfterErasure();
    expect(kept).toContain("SurveyResponse.voterToken");
    expect(kept).toContain("AuditLog.actorIdentity");
    const columns = new Set((await catalogueColumns(prisma)).map((c) => `${c.table}.${c.column}`));
    expect([...kept].filter((k) => !columns.has(k))).toEqual([]);
    expect(keptAfterErasure("## What stays after an erasure\n\n| Value | x |\n| --- | --- |\n| `A.b` | y |\n\n## Next\n| `C.d` | z |")).toEqual(new Set(["A.b"]));
  });
});

describe("npm run admin -- resident delete", () => {
  function context(prisma: PrismaClient): AdminContext & { lines: string[] } {
    const lines: string[] = [];
    return { prisma, actor: "cli:clerk", surveyTokenSecret: undefined, dates: { moment: (d) => d.toString(), day: (d) => d.toString() }, lines, print: (line) => void lines.push(line), say: (key, values) => void lines.push(`${key} ${JSON.stringify(values ?? {})}`), text: (key) => key };
  }

  it("without --confirm shows what would go and changes nothing; with it, erases and audits without the person", async () => {
    const { prisma, seeded } = await setUp();
    const before = await tableCounts(prisma);
    const dry = context(prisma);
    await deleteResident(dry, [String(seeded.residentId)], {}, "anonymise");
    expect(await tableCounts(prisma)).toEqual(before);
    expect(dry.lines).toContain("  Identity  2");
    expect(dry.lines.some((l) => l.startsWith("admin:resident-delete-preview"))).toBe(true);

    const real = context(prisma);
    await deleteResident(real, [String(seeded.residentId)], { confirm: true }, "anonymise");
    const reference = await expectAudited(prisma, "cli:clerk");
    expect(real.lines.at(-1)).toContain(reference);
    await expectNoTrace(prisma, seeded);
    await expectOthersKept(prisma, seeded);
    await expectAnonymised(prisma, seeded);

    await expect(deleteResident(context(prisma), [String(seeded.residentId)], { confirm: true }, "anonymise")).rejects.toMatchObject({ key: "admin:resident-delete-unknown" });
    const usage = context(prisma);
    await deleteResident(usage, ["abc"], { confirm: true }, "anonymise");
    expect(usage.lines).toEqual(["admin:usage-resident-delete {}"]);
  });
});

describe("/delete in the terminal", () => {
  it("asks, cancels on the first choice, erases on the second, and /start begins from nothing", async () => {
    const { h, prisma, seeded } = await setUp({ console: true });
    const chat = terminalChat(h, ERIKA.consoleChat);
    const plain = (key: string) => htmlToPlain(h.translator.t("de", key));
    // Starting the terminal greets with the menu of the already onboarded resident.
    await chat.channel.start();

    const question = (await chat.type("/delete")).join("\n");
    expect(question).toContain(plain("erase:question").split("\n")[0]!);
    expect(question).toContain(plain("erase:contributions-anonymise"));
    expect(question).toContain(plain("erase:stays"));
    expect(question).toMatch(new RegExp(`1\\. ${plain("erase:cancel-button")}\\n2\\. ${plain("erase:confirm-button")}`));

    // A reply "1" cancels: the confirmation is never the first choice.
    expect((await chat.type("1")).join("\n")).toContain(plain("erase:cancelled"));
    expect(await prisma.resident.findUnique({ where: { id: seeded.residentId } })).not.toBeNull();
    // Typed words never confirm.
    await chat.type("/delete");
    expect((await chat.type("ja")).join("\n")).toContain(plain("erase:pending"));
    expect(await prisma.resident.findUnique({ where: { id: seeded.residentId } })).not.toBeNull();

    const done = await chat.type("2");
    expect(done).toEqual([plain("erase:done")]);
    // The erasing turn wrote nothing back: no state of the chat, and its event kept without link or reply.
    expect(await prisma.conversation.findUnique({ where: { key: ERIKA.console } })).toBeNull();
    const erasing = await prisma.processedEvent.findMany({ where: { id: { startsWith: "console:" } } });
    expect(erasing).toHaveLength(1);
    expect(erasing[0]).toMatchObject({ identityId: null, reply: null });
    await expectAudited(prisma, "resident");
    await expectNoTrace(prisma, seeded);
    await expectOthersKept(prisma, seeded);
    await expectAnonymised(prisma, seeded);

    // Back from nothing: a new resident, asked for the language again.
    const again = (await chat.type("/start")).join("\n");
    expect(again).toContain("Bitte wählen Sie Ihre Sprache. / Please choose your language.");
    const identity = await prisma.identity.findUniqueOrThrow({ where: { id: ERIKA.console }, include: { resident: true } });
    expect(identity.residentId).not.toBe(seeded.residentId);
    expect(identity.resident).toMatchObject({ onboardedAt: null, locale: null, homeAreaId: null });
    expect(await prisma.idea.count({ where: { authorId: identity.residentId } })).toBe(0);
    await chat.channel.stop();
  });
});
