/**
 * Long lists through Telegram, whose Bot API refuses text over 4,096 characters: /survey_results
 * with ten 500-character free texts answers in pages, and "Next ›" brings the next one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Survey } from "../../../src/core/model/survey.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { addOpenSurvey, createRecordingSurveys } from "../../core/features/surveys/survey-harness.js";
import type { SentMessage, TestUser } from "../../support/telegram/bot-api-server.js";
import { buttonsOf, createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

const admin: TestUser = { id: 4401, first_name: "Greta", language_code: "en" };
const TEXTS = Array.from({ length: 10 }, (_, i) => `Wish${i} ${"A shelter at the bus stop, please. ".repeat(20)}`.slice(0, 500));

describe("long lists through Telegram", () => {
  let bed: TelegramTestbed;
  let survey: Survey;
  const access: PrismaAccess = { client: () => bed.harness.access.client(), run: (work) => bed.harness.access.run(work) };

  beforeAll(async () => {
    const surveys = await createRecordingSurveys({ access, clock: { now: () => bed.harness.clock.now() } });
    bed = await createTelegramTestbed({ extraFeatures: [surveys.feature] });
    survey = await addOpenSurvey(access, surveys.store, bed.harness.clock.now(), {
      questions: [{ type: "text", text: { de: "Ihr Wunsch?", en: "Your wish?" }, required: true, maxLength: 4_000 }],
    });
    // The answers come in through the core; only the admin's reading goes through Telegram.
    for (const [index, text] of TEXTS.entries()) {
      const voter = { channel: "matrix" as const, userId: `@voter${index}:example.org` };
      await bed.harness.onboard(voter, { locale: "en" });
      await bed.harness.press(voter, `surveys:start:${survey.id}`);
      await bed.harness.send(voter, text);
      await bed.harness.press(voter, `surveys:send:${survey.id}`);
    }
    await bed.harness.db.prisma.roleAssignment.create({ data: { identity: `telegram:${admin.id}`, role: "admin", scope: "*", grantedBy: "test" } });
  });
  afterEach(() => expect(bed.server.internalErrors()).toEqual([]));
  afterAll(async () => bed?.dispose());

  async function write(text: string): Promise<SentMessage[]> {
    const before = bed.server.sentMessages(admin.id).length;
    bed.server.userSendsText(admin, admin.id, text);
    return bed.repliesAfter(admin.id, before);
  }

  async function press(message: SentMessage, label: string): Promise<SentMessage[]> {
    const button = buttonsOf(message).find((b) => b.label === label);
    if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(buttonsOf(message).map((b) => b.label))}`);
    const before = bed.server.sentMessages(admin.id).length;
    bed.server.userPressesButton(admin, admin.id, message.messageId, button.data);
    return bed.repliesAfter(admin.id, before);
  }

  it("answers /survey_results with ten 500-character free texts in pages", async () => {
    let r = await write("/start");
    r = await press(r.at(-1)!, "English");
    r = await press(r.at(-1)!, "Hammah");
    r = await press(r.at(-1)!, "I agree");

    r = await write(`/survey_results ${survey.id}`);
    const first = r.at(-1)!;
    expect(first.text).toContain("Free texts: Test survey (10 answers)");
    const pageCount = Number(/Page 1 of (\d+)/.exec(first.text ?? "")![1]);
    expect(pageCount).toBeGreaterThanOrEqual(2);
    const seen = new Set<number>();
    let page = first;
    for (let n = 1; n <= pageCount; n += 1) {
      expect(page.text).toContain(`Page ${n} of ${pageCount}`);
      for (const m of (page.text ?? "").matchAll(/Wish(\d) /g)) seen.add(Number(m[1]));
      if (n < pageCount) page = (await press(page, "Next ›")).at(-1)!;
    }
    expect([...seen].sort()).toEqual(TEXTS.map((_, i) => i));
  });
});
