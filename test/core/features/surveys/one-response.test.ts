import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Survey } from "../../../../src/core/model/survey.js";
import type { NewSurveyQuestion } from "../../../../src/core/ports/survey-store.js";
import { choiceAction, createSurveyHarness, texts, type Person, type SurveyHarness } from "./survey-harness.js";

let sh: SurveyHarness;
const QUESTIONS: NewSurveyQuestion[] = [
  { type: "yesno", text: { de: "Ja oder nein?", en: "Yes or no?" }, required: true },
  { type: "single", text: { de: "Farbe?", en: "Colour?" }, required: true, options: [{ de: "Rot" }, { de: "Blau" }] },
];

beforeAll(async () => {
  sh = await createSurveyHarness();
});
afterAll(async () => sh.h.dispose());

/** Onboards a resident on Telegram and links a Matrix identity to them. */
async function linkedPair(n: number): Promise<{ telegram: Person; matrix: Person }> {
  const telegram: Person = { channel: "telegram", userId: String(6000 + n) };
  const matrix: Person = { channel: "matrix", userId: `@p${n}:example.org` };
  await sh.h.onboard(telegram, { locale: "en" });
  const issued = await sh.h.send(telegram, "/link");
  const code = /\/link (\S+)/.exec(issued[0]!.text)![1]!;
  await sh.h.send(matrix, "/start");
  await sh.h.send(matrix, `!link ${code}`);
  const linked = await sh.h.press(matrix, "link:confirm");
  expect(texts(linked)).toContain("Linked");
  return { telegram, matrix };
}

async function answerAll(person: Person, survey: Survey): Promise<void> {
  await sh.h.press(person, `surveys:start:${survey.id}`);
  await sh.h.press(person, `surveys:pick:${survey.id}:0:1`);
  const summary = await sh.h.press(person, `surveys:pick:${survey.id}:1:0`);
  expect(summary[0]!.text).toContain("Your answers");
}

describe.each([
  ["anonymous", true],
  ["named", false],
])("one response per resident (%s survey)", (_name, anonymous) => {
  it("counts one of two simultaneous submissions from Telegram and Matrix and tells the other", async () => {
    const survey = await sh.addOpenSurvey({ anonymous, questions: QUESTIONS });
    const { telegram, matrix } = await linkedPair(anonymous ? 1 : 2);
    await answerAll(telegram, survey);
    // The draft is the resident's, so the Matrix chat sees the same summary.
    const fromMatrix = await sh.h.press(matrix, `surveys:start:${survey.id}`);
    expect(fromMatrix[0]!.text).toContain("Your answers");

    const [a, b] = await Promise.all([sh.h.press(telegram, `surveys:send:${survey.id}`), sh.h.press(matrix, `surveys:send:${survey.id}`)]);
    const outcomes = [texts(a), texts(b)];
    expect(outcomes.filter((t) => t.includes("have been counted"))).toHaveLength(1);
    expect(outcomes.filter((t) => t.includes("already"))).toHaveLength(1);
    expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
    expect(await sh.h.db.prisma.surveyAnswer.count({ where: { question: { surveyId: survey.id } } })).toBe(2);
  });

  it("lets racing submissions of the store itself produce exactly one response", async () => {
    const survey = await sh.addOpenSurvey({ anonymous, questions: QUESTIONS });
    const person: Person = { channel: "telegram", userId: String(anonymous ? 6101 : 6102) };
    await sh.h.onboard(person);
    const residentId = (await sh.h.db.prisma.identity.findUniqueOrThrow({ where: { id: `telegram:${person.userId}` } })).residentId;
    const answers = { "0": { value: 1 }, "1": { picks: [0] } };
    const submit = () => sh.h.access.run(() => sh.store.submit(survey, residentId, answers, false, sh.h.clock.now()));
    const outcomes = await Promise.all([submit(), submit(), submit()]);
    expect(outcomes.sort()).toEqual(["already-counted", "already-counted", "submitted"]);
    expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
  });

  it("changes the response until the survey closes when the survey allows it", async () => {
    const survey = await sh.addOpenSurvey({ anonymous, allowChange: true, questions: QUESTIONS });
    const person: Person = { channel: "telegram", userId: String(anonymous ? 6201 : 6202) };
    await sh.h.onboard(person, { locale: "en" });
    await answerAll(person, survey);
    await sh.h.press(person, `surveys:send:${survey.id}`);
    const page = await sh.h.press(person, `surveys:open:${survey.id}`);
    expect(page[0]!.text).toContain("You can change your answers");
    let r = await sh.h.press(person, choiceAction(page, "Change my answers"));
    expect(r[0]!.choices.find((c) => c.label.startsWith("✅"))?.label).toBe("✅ Yes");
    await sh.h.press(person, `surveys:pick:${survey.id}:0:0`);
    r = await sh.h.press(person, `surveys:pick:${survey.id}:1:1`);
    r = await sh.h.press(person, choiceAction(r, "Send changed answers"));
    expect(r[0]!.text).toContain("replaced the earlier ones");
    const rows = await sh.h.db.prisma.surveyAnswer.findMany({ where: { question: { surveyId: survey.id } }, include: { option: true } });
    expect(rows.map((a) => a.value ?? a.option?.position).sort()).toEqual([0, 1]);
    expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
  });
});

describe("linking messengers after answering on both", () => {
  it("keeps one response per survey for the linked resident", async () => {
    const named = await sh.addOpenSurvey({ anonymous: false, questions: QUESTIONS });
    const anonymous = await sh.addOpenSurvey({ anonymous: true, questions: QUESTIONS });
    const telegram: Person = { channel: "telegram", userId: "6301" };
    const matrix: Person = { channel: "matrix", userId: "@twice:example.org" };
    for (const person of [telegram, matrix]) {
      await sh.h.onboard(person, { locale: "en" });
      for (const survey of [named, anonymous]) {
        await answerAll(person, survey);
        await sh.h.press(person, `surveys:send:${survey.id}`);
      }
    }
    for (const survey of [named, anonymous]) expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(2);
    const issued = await sh.h.send(telegram, "/link");
    const code = /\/link (\S+)/.exec(issued[0]!.text)![1]!;
    await sh.h.send(matrix, `!link ${code}`);
    await sh.h.press(matrix, "link:confirm");
    for (const survey of [named, anonymous]) expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
    const again = await sh.h.press(matrix, `surveys:start:${anonymous.id}`);
    expect(again[0]!.text).toContain("already answered");
  });
});

