/**
 * One whole survey answered through Telegram: a real grammY bot long-polling the loopback Bot API
 * server, the surveys feature on a migrated test database, a resident pressing inline buttons and
 * typing text, an admin publishing, the results as photos with captions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTelegramApi, createTelegramSender } from "../../../src/channels/telegram/telegram-sender.js";
import { keyboardFor } from "../../../src/channels/telegram/send-message.js";
import { createCallbackCodec } from "../../../src/channels/telegram/callback-codec.js";
import { announcement } from "../../../src/core/features/surveys/survey-announcement.js";
import type { Survey } from "../../../src/core/model/survey.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { ALL_TYPES, addOpenSurvey, createRecordingSurveys } from "../../core/features/surveys/survey-harness.js";
import type { SurveyStore } from "../../../src/core/ports/survey-store.js";
import { silentLogger } from "../../support/silent-logger.js";
import type { SentMessage, TestUser } from "../../support/telegram/bot-api-server.js";
import { BOT_USERNAME, buttonsOf, createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

const anna: TestUser = { id: 4301, first_name: "Anna", language_code: "en" };
const olaf: TestUser = { id: 4302, first_name: "Olaf", language_code: "en" };
const group = { id: -1004300001, type: "supergroup" as const, title: "Hammah aktuell" };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("a whole survey through Telegram", () => {
  let bed: TelegramTestbed;
  let store: SurveyStore;
  let survey: Survey;
  // The surveys feature must exist before the test bed builds the core over its database.
  const access: PrismaAccess = { client: () => bed.harness.access.client(), run: (work) => bed.harness.access.run(work) };

  beforeAll(async () => {
    const surveys = await createRecordingSurveys({ access, clock: { now: () => bed.harness.clock.now() } });
    store = surveys.store;
    bed = await createTelegramTestbed({ extraFeatures: [surveys.feature] });
    survey = await addOpenSurvey(access, store, bed.harness.clock.now(), { questions: ALL_TYPES });
  });
  afterEach(() => expect(bed.server.internalErrors()).toEqual([]));
  afterAll(async () => bed?.dispose());

  /** The user writes; resolves with the bot's replies in that chat. */
  async function write(user: TestUser, text: string, chatId = user.id): Promise<SentMessage[]> {
    const before = bed.server.sentMessages(chatId).length;
    bed.server.userSendsText(user, chatId === user.id ? user.id : group, text);
    return bed.repliesAfter(chatId, before);
  }

  /** The user presses the button labelled `label` (exactly, or containing it) under the last message that has it. */
  async function press(user: TestUser, replies: readonly SentMessage[], label: string): Promise<SentMessage[]> {
    const message = [...replies].reverse().find((m) => buttonsOf(m).some((b) => b.label === label || b.label.includes(label)));
    if (!message) throw new Error(`no button "${label}" in ${JSON.stringify(replies.map((m) => buttonsOf(m).map((b) => b.label)))}`);
    const button = buttonsOf(message).find((b) => b.label === label) ?? buttonsOf(message).find((b) => b.label.includes(label))!;
    const before = bed.server.sentMessages(user.id).length;
    bed.server.userPressesButton(user, user.id, message.messageId, button.data);
    return bed.repliesAfter(user.id, before);
  }

  const textOf = (replies: readonly SentMessage[]) => replies.map((m) => m.text ?? m.caption ?? "").join("\n---\n");

  async function onboard(user: TestUser): Promise<void> {
    let r = await write(user, "/start");
    r = await press(user, r, "English");
    r = await press(user, r, "Hammah");
    r = await press(user, r, "I agree");
    expect(textOf(r)).toContain("Your home village: Hammah");
  }

  it("takes a resident from onboarding through every question type to a counted response", async () => {
    await onboard(anna);
    let r = await write(anna, `/start survey_${survey.id}`);
    expect(textOf(r)).toContain("This survey is anonymous");
    r = await press(anna, r, "Start the survey");

    // Single choice with "other": the resident writes their own answer.
    expect(r.at(-1)?.text).toContain("Question 1 of 5");
    expect(buttonsOf(r.at(-1)).map((b) => b.label)).toEqual(["Bakery", "Doctor", "Bus", "Other …", "Pause (continue later)"]);
    r = await press(anna, r, "Other …");
    expect(textOf(r)).toContain("other answer");
    r = await write(anna, "Dorfladen");

    // Multiple choice: "Done" too early, then three ticks: the third (beyond the maximum of 2) is refused at once.
    expect(r.at(-1)?.text).toContain("Question 2 of 5");
    r = await press(anna, r, "Done");
    expect(textOf(r)).toContain("between 1 and 2 answers (you have chosen 0)");
    r = await press(anna, r, "Cycle paths");
    r = await press(anna, r, "Playground");
    r = await press(anna, r, "Street lights");
    expect(textOf(r)).toContain("at most 2 answers");
    expect(buttonsOf(r.at(-1)).filter((b) => b.label.startsWith("✅")).map((b) => b.label)).toEqual(["✅ Cycle paths", "✅ Playground"]);
    r = await press(anna, r, "Done");

    // Scale, yes/no, free text with a length limit.
    expect(r.at(-1)?.text).toContain("Question 3 of 5");
    r = await press(anna, r, "5 – very");
    expect(r.at(-1)?.text).toContain("Question 4 of 5");
    r = await press(anna, r, "Yes");
    expect(r.at(-1)?.text).toContain("Question 5 of 5");
    r = await write(anna, "x".repeat(25));
    expect(textOf(r)).toContain("between 1 and 20 characters (it has 25)");
    r = await write(anna, "Mehr <Bänke>");

    const summary = r.at(-1)!;
    expect(summary.text).toContain("Your answers to “Test survey”");
    for (const line of ["→ Other: Dorfladen", "→ Cycle paths, Playground", "→ 5 – very", "→ Yes", "→ Mehr <Bänke>"]) {
      expect(summary.text).toContain(line);
    }
    r = await press(anna, [summary], "Send answers");
    expect(textOf(r)).toContain("have been counted");

    // A second press on the same summary button counts nothing twice.
    const again = await press(anna, [summary], "Send answers");
    expect(textOf(again)).not.toContain("have been counted");
    expect(await bed.harness.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
    const answers = await bed.harness.db.prisma.surveyAnswer.findMany({
      where: { question: { surveyId: survey.id } },
      include: { question: true, option: true },
    });
    const at = (p: number) => answers.filter((a) => a.question.position === p);
    expect(at(0).map((a) => [a.optionId, a.text])).toEqual([[null, "Dorfladen"]]);
    expect(at(1).map((a) => a.option?.position).sort()).toEqual([0, 1]);
    expect(at(2).map((a) => a.value)).toEqual([5]);
    expect(at(3).map((a) => a.value)).toEqual([1]);
    expect(at(4).map((a) => a.text)).toEqual(["Mehr <Bänke>"]);
    expect(await bed.harness.db.prisma.surveyDraft.count()).toBe(0);
  });

  it("sends the published results as bar-chart photos with captions and text", async () => {
    await onboard(olaf);
    await bed.harness.db.prisma.roleAssignment.create({ data: { identity: `telegram:${olaf.id}`, role: "admin", scope: "*", grantedBy: "test" } });
    // The survey is still open: publishing asks first, and only the confirming button acts.
    const asked = await write(olaf, `/survey_publish ${survey.id}`);
    expect(textOf(asked)).toContain("Close it now and publish the results?");
    expect((await store.get(survey.id))?.status).toBe("open");
    const published = await press(olaf, asked, "now and publish");
    expect(textOf(published)).toContain(`${survey.id}`);
    expect((await store.get(survey.id))?.status).toBe("published");

    const page = await write(anna, `/start survey_${survey.id}`);
    const results = await press(anna, page, "Show results");
    expect(results[0]?.text).toContain("Results: Test survey");
    expect(results[0]?.text).toContain("1 response");
    const photos = results.filter((m) => m.method === "sendPhoto");
    // Four questions with bars (single, multiple, scale, yes/no); the free-text question is text only.
    expect(photos).toHaveLength(4);
    for (const photo of photos) {
      const file = bed.server.file(photo.photoFileId!);
      expect(file?.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    }
    expect(photos[0]?.caption).toContain("1. What is missing?");
    expect(photos[0]?.caption).toContain("Other: 1 (100%)");
    expect(photos[1]?.caption).toContain("Cycle paths: 1 (100%)");
    expect(photos[1]?.caption).toContain("Street lights: 0 (0%)");
    expect(photos[2]?.caption).toContain("Average: 5");
    expect(photos[3]?.caption).toContain("Yes: 1 (100%)");
    const textOnly = results.filter((m) => m.method === "sendMessage");
    expect(textOnly.at(-1)?.text).toContain("5. Your idea?");
    // Free texts stay unpublished until an admin publishes them one by one.
    expect(textOf(results)).not.toContain("Bänke");
  });

  it("turns the announcement's take-part choice into a link to the private chat in a group", async () => {
    bed.server.addChat(group);
    const open = await addOpenSurvey(access, store, bed.harness.clock.now(), { title: { de: "Dorffest", en: "Village fair" }, questions: ALL_TYPES.slice(3, 4) });
    const replies = await write(olaf, `/survey_announce@${BOT_USERNAME} ${open.id}`, group.id);
    expect(replies.at(-1)?.text).toContain("Survey: Village fair");
    expect(replies.at(-1)?.replyMarkup?.inline_keyboard).toEqual([
      [{ text: "Take part now", url: `https://t.me/${BOT_USERNAME}?start=survey_${open.id}` }],
    ]);
  });

  it("gives the outbox sender link buttons in groups and callback buttons in private chats", async () => {
    const sender = createTelegramSender({
      api: createTelegramApi({ token: bed.server.token, apiRoot: bed.server.url }),
      codec: bed.channel.codec,
      logger: silentLogger,
      botUsername: bed.channel.username,
    });
    const message = announcement(bed.harness.translator, "en", survey, "Europe/Berlin");
    expect(await sender.send(String(group.id), message, "en", "announce:group")).toMatchObject({ kind: "sent" });
    const inGroup = bed.server.sentMessages(group.id).at(-1)!;
    expect(inGroup.replyMarkup?.inline_keyboard[0]?.[0]).toEqual({
      text: "Take part now",
      url: `https://t.me/${BOT_USERNAME}?start=survey_${survey.id}`,
    });

    expect(await sender.send(String(anna.id), message, "en", "announce:anna")).toMatchObject({ kind: "sent" });
    const inPrivate = bed.server.sentMessages(anna.id).at(-1)!;
    expect(buttonsOf(inPrivate).map((b) => b.label)).toEqual(["Take part now"]);
    // Pressed in the private chat, the callback opens the survey's page there.
    const page = await press(anna, [inPrivate], "Take part now");
    expect(textOf(page)).toContain("Test survey");
    expect(buttonsOf(page.at(-1)).map((b) => b.label)).toContain("Show results");
  });

  it("keeps deep-link choices as callback buttons without a bot username", () => {
    const codec = createCallbackCodec({ secret: "k".repeat(32) });
    const message = { html: "x", choices: [[{ label: "Go", action: "deeplink:survey_7" }]] };
    const withoutName = keyboardFor(group.id, message, codec)!.inline_keyboard[0]![0]!;
    expect("callback_data" in withoutName).toBe(true);
    const withName = keyboardFor(group.id, message, codec, BOT_USERNAME)!.inline_keyboard[0]![0]!;
    expect(withName).toEqual({ text: "Go", url: `https://t.me/${BOT_USERNAME}?start=survey_7` });
    const privately = keyboardFor(anna.id, message, codec, BOT_USERNAME)!.inline_keyboard[0]![0]!;
    expect("callback_data" in privately).toBe(true);
  });
});
