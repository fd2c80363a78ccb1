/**
 * A resident with one of every kind of datum asks for their data with /mydata (GDPR Art. 15/20)
 * and receives the export through each channel's real transport: the terminal writes the file
 * and shows its path, Telegram sends a document (the loopback Bot API server), Matrix uploads an
 * m.file to a real Synapse. Each file parses and holds the resident's data and nobody else's.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_CAPABILITIES, createConsoleChannel, type ConsoleChannel } from "../../../src/channels/console/console-channel.js";
import { MATRIX_CAPABILITIES } from "../../../src/channels/matrix/render-message.js";
import { TELEGRAM_CAPABILITIES } from "../../../src/channels/telegram/telegram-channel.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import type { PrismaClient } from "../../../src/storage/generated/prisma/client.js";
import { createBotWorld, openDirectChat, type BotWorld } from "../../channels/matrix/matrix-harness.js";
import { createTelegramTestbed, type TelegramTestbed } from "../../channels/telegram/telegram-testbed.js";
import { parseConsoleOutput } from "../../channels/console/console-harness.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { seedResidentData, type SeededResidentData } from "../../support/seed-resident-data.js";
import { silentLogger } from "../../support/silent-logger.js";
import { onboardThroughCore } from "../hostile/onboard-through-core.js";

const FILE_NAME = /^mydata-\d{4}-\d\d-\d\d\.json$/;

interface ExportDocument {
  readonly format: string;
  readonly version: number;
  readonly notes: Record<string, string>;
  readonly resident: { readonly id: number; readonly language: string };
  readonly identities: readonly { readonly id: string }[];
  readonly ideas: readonly { readonly title: string }[];
  readonly consents: readonly unknown[];
  readonly surveyResponses: readonly unknown[];
  readonly photos: readonly { readonly base64: string | null }[];
  readonly auditEntries: readonly unknown[];
}

/** Seeds everything for the resident behind `identityId`. */
async function seedFor(prisma: PrismaClient, identityId: string): Promise<SeededResidentData> {
  const identity = await prisma.identity.findUniqueOrThrow({ where: { id: identityId } });
  return seedResidentData(prisma, identity.residentId, identityId);
}

/** What every channel's file must show: the resident's data of each kind, and nothing foreign. */
function expectTheirData(text: string, seeded: SeededResidentData, identityId: string): void {
  const data = JSON.parse(text) as ExportDocument;
  expect(data).toMatchObject({ format: "mitreden-resident-export", version: 1, resident: { id: seeded.residentId, language: "en" } });
  expect(data.identities.map((i) => i.id)).toEqual([identityId, seeded.matrixIdentity]);
  expect(data.ideas.map((i) => i.title)).toEqual([seeded.markers["ideaTitle"]]);
  // The three seeded records, plus the consent the resident gave when onboarding through the chat.
  expect(data.consents).toHaveLength(4);
  expect(data.surveyResponses).toHaveLength(1);
  expect(data.photos[0]!.base64).toBe(Buffer.from(seeded.photoBytes).toString("base64"));
  expect(data.auditEntries.length).toBeGreaterThanOrEqual(3);
  expect(data.notes["anonymousSurveys"]).toContain("not included");
  for (const marker of Object.values(seeded.markers)) expect(text).toContain(JSON.stringify(marker).slice(1, -1));
  for (const foreign of seeded.foreign) expect(text).not.toContain(foreign);
}

describe("/mydata in the terminal", () => {
  let harness: CoreHarness;
  let folder: string;
  let channel: ConsoleChannel;
  let buffer = "";
  const input = new PassThrough();

  beforeAll(async () => {
    harness = await createCoreHarness();
    folder = await mkdtemp(join(tmpdir(), "mitreden-mydata-"));
    await onboardThroughCore(harness.core, CONSOLE_CAPABILITIES, { channel: "console", chat: { id: "ella", kind: "private" }, senderId: "console:ella" }, "en");
    const output = new PassThrough();
    output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
    channel = createConsoleChannel({ core: harness.core, translator: harness.translator, logger: silentLogger, input, output, userId: "console:ella", filesDir: join(folder, "exports") });
    await channel.start();
  });
  afterAll(async () => {
    await channel?.stop();
    await harness?.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("writes the export into the data folder and shows its path", async () => {
    const seeded = await seedFor(harness.db.prisma, "console:ella");
    await channel.idle();
    buffer = "";
    input.write("/mydata\n");
    await new Promise((resolve) => setImmediate(resolve));
    await channel.idle();
    const [answer] = parseConsoleOutput(buffer);
    expect(answer!.text).toContain("Your data");
    expect(answer!.text).toContain("2 messenger accounts");
    const path = /File saved: (\S+)/.exec(answer!.text)?.[1];
    expect(path?.startsWith(join(folder, "exports"))).toBe(true);
    expect(path!.split("/").at(-1)).toMatch(FILE_NAME);
    expectTheirData(await readFile(path!, "utf8"), seeded, "console:ella");
  });
});

describe("/mydata on Telegram", () => {
  let bed: TelegramTestbed;
  const frieda = { id: 5301, first_name: "Frieda", language_code: "de" };

  beforeAll(async () => {
    bed = await createTelegramTestbed();
    await onboardThroughCore(bed.harness.core, TELEGRAM_CAPABILITIES, { channel: "telegram", chat: { id: String(frieda.id), kind: "private" }, senderId: `telegram:${frieda.id}` }, "en");
  });
  afterAll(async () => bed?.dispose());

  it("sends the export as a document with the summary", async () => {
    const seeded = await seedFor(bed.harness.db.prisma, `telegram:${frieda.id}`);
    const before = bed.server.sentMessages(frieda.id).length;
    bed.server.userSendsText(frieda, frieda.id, "/mydata");
    const sent = await bed.repliesAfter(frieda.id, before, { timeoutMs: 15_000 });
    const document = sent.find((m) => m.method === "sendDocument");
    expect(document, JSON.stringify(sent.map((m) => m.method))).toBeDefined();
    const text = sent.map((m) => m.text ?? m.caption ?? "").join("\n");
    expect(text).toContain("Your data");
    expect(text).toContain(htmlToPlain(bed.harness.translator.t("en", "mydata:count-ideas", { count: 1 })));
    const [file] = bed.server.documents(frieda.id).slice(-1);
    expect(file!.fileName).toMatch(FILE_NAME);
    expect(file!.mimeType).toBe("application/json");
    expectTheirData(file!.bytes.toString("utf8"), seeded, `telegram:${frieda.id}`);
    expect(bed.server.internalErrors()).toEqual([]);
  });
});

const env = matrixTestEnv();

describe.skipIf(!env)(`/mydata on Matrix${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let gesa: TestUser;
  let room: string;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot);
    await world.startChannel();
    gesa = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("gesa"))) });
    ({ roomId: room } = await openDirectChat(world, gesa));
    await onboardThroughCore(world.core, MATRIX_CAPABILITIES, { channel: "matrix", chat: { id: room, kind: "private" }, senderId: `matrix:${gesa.userId}` }, "en");
  });
  afterAll(async () => world?.dispose());

  it("uploads the export as an m.file the resident downloads", async () => {
    const seeded = await seedFor(world.testDb.db.prisma, `matrix:${gesa.userId}`);
    const eventId = await gesa.sendText(room, "!mydata");
    await world.waitHandled(`matrix:${eventId}`, { timeoutMs: 30_000 });
    const file = await gesa.waitForMessage(room, (e) => e.sender === world.bot.userId && e.content["msgtype"] === "m.file", { timeoutMs: 15_000 });
    expect(String(file.content["body"])).toMatch(FILE_NAME);
    expect(file.content["info"]).toMatchObject({ mimetype: "application/json" });
    const bytes = await gesa.downloadMedia(String(file.content["url"]));
    expectTheirData(Buffer.from(bytes).toString("utf8"), seeded, `matrix:${gesa.userId}`);
  });
});
