/**
 * One whole survey answered through Matrix on a real Synapse: numbered replies in a direct chat,
 * an admin publishing, the results as m.image events plus text, and the announcement's deep-link
 * choice rendered as an instruction instead of a number.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announcement } from "../../../src/core/features/surveys/survey-announcement.js";
import type { Survey } from "../../../src/core/model/survey.js";
import type { SurveyStore } from "../../../src/core/ports/survey-store.js";
import { ALL_TYPES, addOpenSurvey, createRecordingSurveys } from "../../core/features/surveys/survey-harness.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { createBotWorld, lastBotMessages, openDirectChat, say, seenReply, type BotWorld, type SeenReply } from "./matrix-harness.js";

const env = matrixTestEnv();

/** The number to type for the choice labelled `label` (exactly, or containing it) in the last reply that offers it. */
function numberOf(replies: readonly SeenReply[], label: string): string {
  for (const reply of [...replies].reverse()) {
    const exact = reply.choices.indexOf(label);
    const index = exact !== -1 ? exact : reply.choices.findIndex((c) => c.includes(label));
    if (index !== -1) return String(index + 1);
  }
  throw new Error(`no choice "${label}" in ${JSON.stringify(replies.map((r) => r.choices))}`);
}

const textOf = (replies: readonly SeenReply[]) => replies.map((r) => r.text).join("\n---\n");

describe.skipIf(!env)(`Matrix channel: a whole survey in a direct chat${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let store: SurveyStore;
  let survey: Survey;
  let anna: TestUser;
  let annaToken: string;
  let annaRoom: string;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, {}, {
      extraFeatures: async ({ access }) => {
        const surveys = await createRecordingSurveys({ access, clock: { now: () => new Date() } });
        store = surveys.store;
        return [surveys.feature];
      },
    });
    await world.startChannel();
    survey = await addOpenSurvey(world.access, store, new Date(), { questions: ALL_TYPES });
    const registered = await env!.registerUser(uniqueLocalpart("anna"));
    annaToken = registered.accessToken;
    anna = createTestUser({ baseUrl: env!.baseUrl, ...registered });
  });
  afterAll(async () => world?.dispose());

  /** Opens a DM and onboards in English with Hammah as home village; returns the room. */
  async function onboard(user: TestUser): Promise<string> {
    const { roomId } = await openDirectChat(world, user);
    const areas = await say(world, user, roomId, "2");
    const privacy = await say(world, user, roomId, numberOf(areas, "Hammah"));
    const done = await say(world, user, roomId, numberOf(privacy, "I agree"));
    expect(textOf(done)).toContain("Hammah");
    return roomId;
  }

  it("answers every question type by numbered replies and counts the response once", async () => {
    annaRoom = await onboard(anna);
    const reply = (text: string) => say(world, anna, annaRoom, text);

    let r = await reply(`!start survey_${survey.id}`);
    expect(textOf(r)).toContain("This survey is anonymous");
    r = await reply(numberOf(r, "Start the survey"));

    // Single choice with "other": the resident writes their own answer.
    expect(r.at(-1)!.text).toContain("Question 1 of 5");
    expect(r.at(-1)!.choices).toEqual(["Bakery", "Doctor", "Bus", "Other …", "Pause (continue later)"]);
    r = await reply(numberOf(r, "Other …"));
    expect(textOf(r)).toContain("other answer");
    r = await reply("Dorfladen");

    // Multiple choice: "Done" too early, a typed "a, b" for two options, a third tick refused at once.
    expect(r.at(-1)!.text).toContain("Question 2 of 5");
    r = await reply(numberOf(r, "Done"));
    expect(textOf(r)).toContain("between 1 and 2 answers (you have chosen 0)");
    r = await reply(`${numberOf(r, "Cycle paths")}, ${numberOf(r, "Playground")}`);
    expect(r.at(-1)!.choices.filter((c) => c.startsWith("✅"))).toEqual(["✅ Cycle paths", "✅ Playground"]);
    r = await reply(numberOf(r, "Street lights"));
    expect(textOf(r)).toContain("at most 2 answers");
    expect(r.at(-1)!.choices.filter((c) => c.startsWith("✅"))).toEqual(["✅ Cycle paths", "✅ Playground"]);
    r = await reply(numberOf(r, "Done"));

    // Scale, yes/no (a number out of range first), free text with a length limit.
    expect(r.at(-1)!.text).toContain("Question 3 of 5");
    r = await reply(numberOf(r, "5 – very"));
    expect(r.at(-1)!.text).toContain("Question 4 of 5");
    const yesNo = r;
    r = await reply("42");
    expect(textOf(r)).toMatch(/Please answer with (a number from 1 to \d+|the number 1)/);
    // The numbers of the question shown last still count.
    r = await reply(numberOf(yesNo, "Yes"));
    expect(r.at(-1)!.text).toContain("Question 5 of 5");
    r = await reply("x".repeat(25));
    expect(textOf(r)).toContain("between 1 and 20 characters (it has 25)");
    r = await reply("Mehr <Bänke>");

    const summary = r.at(-1)!;
    expect(summary.text).toContain("Your answers to “Test survey”");
    for (const line of ["→ Other: Dorfladen", "→ Cycle paths, Playground", "→ 5 – very", "→ Yes", "→ Mehr <Bänke>"]) {
      expect(summary.text).toContain(line);
    }
    // What the resident typed is shown as text, never as markup.
    expect(String(summary.event.content["formatted_body"])).toContain("Mehr &lt;Bänke&gt;");
    r = await reply(numberOf(r, "Send answers"));
    expect(textOf(r)).toContain("have been counted");

    const again = await reply(`!start survey_${survey.id}`);
    expect(textOf(again)).toContain("already answered");
    const prisma = world.testDb.db.prisma;
    expect(await prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
    const answers = await prisma.surveyAnswer.findMany({ where: { question: { surveyId: survey.id } }, include: { question: true, option: true } });
    const at = (p: number) => answers.filter((a) => a.question.position === p);
    expect(at(0).map((a) => [a.optionId, a.text])).toEqual([[null, "Dorfladen"]]);
    expect(at(1).map((a) => a.option?.position).sort()).toEqual([0, 1]);
    expect(at(2).map((a) => a.value)).toEqual([5]);
    expect(at(3).map((a) => a.value)).toEqual([1]);
    expect(at(4).map((a) => a.text)).toEqual(["Mehr <Bänke>"]);
    expect(await prisma.surveyDraft.count()).toBe(0);
  });

  it("shows an announcement's take-part choice as the command to send privately, which opens the survey", async () => {
    const fair = await addOpenSurvey(world.access, store, new Date(), { title: { de: "Dorffest", en: "Village fair" }, questions: ALL_TYPES.slice(3, 4) });
    const outcome = await world.channel.sender.send(annaRoom, announcement(world.translator, "en", fair, "Europe/Berlin"), "en", `announce-${fair.id}`);
    expect(outcome.kind).toBe("sent");
    const event = await anna.waitForMessage(annaRoom, (e) => e.sender === world.bot.userId && String(e.content["body"]).includes("Village fair"));
    const seen = seenReply(event);
    const body = String(event.content["body"]);
    expect(body.endsWith(`\n\n→ Take part now: write to me in a direct chat and send !start survey_${fair.id}`)).toBe(true);
    expect(body).not.toMatch(/^1\. /m);
    expect(seen.choices).toEqual([]);
    expect(String(event.content["formatted_body"])).toContain(`→ Take part now: write to me in a direct chat and send !start survey_${fair.id}`);

    // Doing what the line says opens the survey.
    const page = await say(world, anna, annaRoom, `!start survey_${fair.id}`);
    expect(textOf(page)).toContain("Village fair");
    expect(page.at(-1)!.choices).toContain("Start the survey");
  });

  it("sends the published results as m.image charts plus text", async () => {
    const olaf = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("olaf"))) });
    const olafRoom = await onboard(olaf);
    await world.testDb.db.prisma.roleAssignment.create({ data: { identity: `matrix:${olaf.userId}`, role: "admin", scope: "*", grantedBy: "test" } });
    // The survey is still open: publishing asks first; cancel is 1, so the confirmation is 2.
    const asked = await say(world, olaf, olafRoom, `!survey_publish ${survey.id}`);
    expect(textOf(asked)).toContain("Close it now and publish the results?");
    expect(numberOf(asked, "now and publish")).toBe("2");
    expect((await store.get(survey.id))?.status).toBe("open");
    const published = await say(world, olaf, olafRoom, numberOf(asked, "now and publish"));
    expect(textOf(published)).toContain(String(survey.id));
    expect((await store.get(survey.id))?.status).toBe("published");

    const page = await say(world, anna, annaRoom, `!start survey_${survey.id}`);
    const eventId = await anna.sendText(annaRoom, numberOf(page, "Show results"));
    const messages = await world.waitHandled(`matrix:${eventId}`);
    // The title, then one message per question; four of them (all but free text) with a chart first.
    expect(messages).toBe(6);
    const events = await lastBotMessages(env!.baseUrl, annaToken, annaRoom, world.bot.userId, 10);
    expect(events.map((e) => e.event.content["msgtype"])).toEqual([
      "m.text",
      "m.image",
      "m.text",
      "m.image",
      "m.text",
      "m.image",
      "m.text",
      "m.image",
      "m.text",
      "m.text",
    ]);
    expect(events[0]!.text).toContain("Results: Test survey");
    const image = events[1]!.event.content;
    expect(image["info"]).toMatchObject({ mimetype: "image/png" });
    expect(String(image["url"])).toMatch(/^mxc:\/\//);
    expect(String(image["body"])).toContain("What is missing?");
    expect(events[2]!.text).toContain("Other: 1 (100%)");
    expect(events[4]!.text).toContain("Cycle paths: 1 (100%)");
    expect(events[6]!.text).toContain("Average: 5");
    expect(events[8]!.text).toContain("Yes: 1 (100%)");
    expect(events[9]!.text).toContain("5. Your idea?");
    expect(events.map((e) => e.text).join("\n")).not.toContain("Bänke");

    // The chart itself is a PNG the homeserver serves back.
    const [server, mediaId] = String(image["url"]).slice("mxc://".length).split("/");
    const media = await fetch(`${env!.baseUrl}/_matrix/client/v1/media/download/${server}/${mediaId}`, {
      headers: { authorization: `Bearer ${annaToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(media.ok).toBe(true);
    expect(Buffer.from(await media.arrayBuffer()).subarray(0, 4).toString("latin1")).toBe("\x89PNG");
  });
});
