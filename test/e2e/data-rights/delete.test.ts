/**
 * /delete end to end through each channel's real transport: the loopback Bot API server for
 * Telegram, Synapse for Matrix, stdin/stdout for the terminal. The resident is onboarded and takes
 * part a little, asks for erasure, confirms with the second choice; then the database holds
 * nothing of them (scanned through the catalogue), and /start begins from nothing.
 */
import { describe, expect, it } from "vitest";
import { CONSOLE_CAPABILITIES } from "../../../src/channels/console/console-channel.js";
import { TELEGRAM_CAPABILITIES } from "../../../src/channels/telegram/telegram-channel.js";
import { MATRIX_CAPABILITIES } from "../../../src/channels/matrix/render-message.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import type { Translator } from "../../../src/core/ports/translator.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import type { PrismaClient } from "../../../src/storage/generated/prisma/client.js";
import { buttonsOf, createTelegramTestbed } from "../../channels/telegram/telegram-testbed.js";
import { createBotWorld, openDirectChat, say } from "../../channels/matrix/matrix-harness.js";
import { createCoreHarness, createTestClock } from "../../support/core-harness.js";
import { scanForResident, type ResidentTraces } from "../../support/erasure-scan.js";
import { matrixSkipReason, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser } from "../../support/matrix/test-user.js";
import { terminalChat } from "../../support/terminal-chat.js";
import { fullFeatures } from "../hostile/full-features.js";
import { onboardThroughCore } from "../hostile/onboard-through-core.js";

const WELCOME = "Bitte wählen Sie Ihre Sprache. / Please choose your language.";

/** Something of the resident in several tables, so the erasure has work to do. */
async function takePart(prisma: PrismaClient, identity: string): Promise<number> {
  const { residentId } = await prisma.identity.findUniqueOrThrow({ where: { id: identity } });
  const other = await prisma.resident.create({ data: {} });
  const idea = await prisma.idea.create({ data: { title: "Mehr Bänke", description: "Am Teich.", category: "other", status: "approved", authorId: other.id } });
  await prisma.support.create({ data: { ideaId: idea.id, residentId } });
  await prisma.follow.create({ data: { ideaId: idea.id, residentId } });
  await prisma.residentFeedPreference.create({ data: { residentId, feed: "news", mode: "digest" } });
  return residentId;
}

async function expectErased(prisma: PrismaClient, traces: ResidentTraces, identity: string): Promise<void> {
  expect((await scanForResident(prisma, traces)).traces).toEqual([]);
  expect(await prisma.identity.findUnique({ where: { id: identity } })).toBeNull();
  expect(await prisma.auditLog.count({ where: { action: "resident.erase", actorIdentity: "resident" } })).toBe(1);
}

async function expectNewResident(prisma: PrismaClient, identity: string, oldId: number): Promise<void> {
  const row = await prisma.identity.findUniqueOrThrow({ where: { id: identity }, include: { resident: true } });
  expect(row.residentId).not.toBe(oldId);
  expect(row.resident).toMatchObject({ onboardedAt: null, privacyAcceptedAt: null, locale: null });
  expect(await prisma.support.count({ where: { residentId: row.residentId } })).toBe(0);
}

const plainOf = (translator: Translator) => (key: string) => htmlToPlain(translator.t("de", key));

describe("/delete through Telegram", () => {
  it("erases after the second button and /start begins from nothing", async () => {
    const bed = await createTelegramTestbed({ features: fullFeatures });
    try {
      const prisma = bed.harness.db.prisma;
      const plain = plainOf(bed.harness.translator);
      const erika = { id: 738291650, first_name: "Erika", last_name: "Löschmann", language_code: "de" };
      const identity = `telegram:${erika.id}`;
      await bed.server.userSendsText(erika, erika.id, "/start");
      await bed.repliesAfter(erika.id, 0);
      await onboardThroughCore(bed.harness.core, TELEGRAM_CAPABILITIES, { channel: "telegram", chat: { id: String(erika.id), kind: "private" }, senderId: identity }, "de");
      const residentId = await takePart(prisma, identity);
      const storedName = (await prisma.identity.findUniqueOrThrow({ where: { id: identity } })).displayName;

      let before = bed.server.sentMessages(erika.id).length;
      bed.server.userSendsText(erika, erika.id, "/delete");
      const [question] = await bed.repliesAfter(erika.id, before);
      expect(question!.text).toContain(plain("erase:question").split("\n")[0]!);
      const buttons = buttonsOf(question);
      expect(buttons.map((b) => b.label)).toEqual([plain("erase:cancel-button"), plain("erase:confirm-button")]);

      before = bed.server.sentMessages(erika.id).length;
      bed.server.userPressesButton(erika, erika.id, question!.messageId, buttons[1]!.data);
      const done = await bed.repliesAfter(erika.id, before);
      expect(done.map((m) => m.text)).toEqual([plain("erase:done")]);
      // The inbox forgets handled updates shortly after; wait for it, as erasure already removed theirs.
      await bed.channel.stop();
      await expectErased(prisma, { residentId, texts: [identity, ...(storedName ? [storedName] : [])], numbers: [String(erika.id)] }, identity);
      await bed.channel.start();

      before = bed.server.sentMessages(erika.id).length;
      bed.server.userSendsText(erika, erika.id, "/start");
      const again = await bed.repliesAfter(erika.id, before);
      expect(again.map((m) => m.text).join("\n")).toContain(WELCOME);
      await expectNewResident(prisma, identity, residentId);
    } finally {
      await bed.dispose();
    }
  });
});

const env = matrixTestEnv();

describe.skipIf(!env)(`/delete through Matrix${env ? "" : ` (skipped: ${matrixSkipReason()})`}`, () => {
  it("erases after the reply 2 and !start begins from nothing", async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    const world = await createBotWorld(env!.baseUrl, bot, {}, {
      extraFeatures: async ({ access, translator }) => fullFeatures({ access, translator, stores: createFoundationStores(access), clock: createTestClock(new Date()) }),
    });
    try {
      await world.startChannel();
      const prisma = world.testDb.db.prisma;
      const plain = plainOf(world.translator);
      const user = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("erika"))) });
      const { roomId } = await openDirectChat(world, user);
      const identity = `matrix:${user.userId}`;
      await onboardThroughCore(world.core, MATRIX_CAPABILITIES, { channel: "matrix", chat: { id: roomId, kind: "private" }, senderId: identity }, "de");
      const residentId = await takePart(prisma, identity);
      const storedName = (await prisma.identity.findUniqueOrThrow({ where: { id: identity } })).displayName;

      const [question] = await say(world, user, roomId, "!delete");
      expect(question!.text).toContain(plain("erase:question").split("\n")[0]!);
      expect(question!.choices).toEqual([plain("erase:cancel-button"), plain("erase:confirm-button")]);
      const done = await say(world, user, roomId, "2");
      expect(done.map((r) => r.text)).toEqual([plain("erase:done")]);
      await expectErased(prisma, { residentId, texts: [identity, user.userId, roomId, ...(storedName ? [storedName] : [])], numbers: [] }, identity);

      const again = await say(world, user, roomId, "!start");
      expect(again.map((r) => r.text).join("\n")).toContain(WELCOME);
      await expectNewResident(prisma, identity, residentId);
    } finally {
      await world.dispose();
    }
  });
});

describe("/delete in the terminal", () => {
  it("erases after the reply 2 and /start begins from nothing", async () => {
    const harness = await createCoreHarness({ features: fullFeatures });
    try {
      const prisma = harness.db.prisma;
      const plain = plainOf(harness.translator);
      const chat = terminalChat(harness, "erika-e2e");
      const identity = "console:erika-e2e";
      await onboardThroughCore(harness.core, CONSOLE_CAPABILITIES, { channel: "console", chat: { id: "erika-e2e", kind: "private" }, senderId: identity }, "de");
      await chat.channel.start();
      const residentId = (await prisma.identity.findUniqueOrThrow({ where: { id: identity } })).residentId;
      await takePart(prisma, identity);

      const question = (await chat.type("/delete")).join("\n");
      expect(question).toContain(`1. ${plain("erase:cancel-button")}\n2. ${plain("erase:confirm-button")}`);
      expect(await chat.type("2")).toEqual([plain("erase:done")]);
      await expectErased(prisma, { residentId, texts: [identity, "erika-e2e"], numbers: [] }, identity);

      expect((await chat.type("/start")).join("\n")).toContain(WELCOME);
      await expectNewResident(prisma, identity, residentId);
      await chat.channel.stop();
    } finally {
      await harness.dispose();
    }
  });
});
