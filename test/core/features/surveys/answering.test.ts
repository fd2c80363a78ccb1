import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Survey } from "../../../../src/core/model/survey.js";
import { NO_BUTTONS } from "../../../support/core-harness.js";
import { ALL_TYPES, choiceAction, createSurveyHarness, texts, type Person, type SurveyHarness } from "./survey-harness.js";

let sh: SurveyHarness;
let survey: Survey;


const anna: Person = { channel: "telegram", userId: "5001" };

beforeAll(async () => {
  sh = await createSurveyHarness();
  survey = await sh.addOpenSurvey({ questions: ALL_TYPES });
  await sh.h.onboard(anna, { locale: "en" });
});
afterAll(async () => sh.h.dispose());

describe("answering a survey", () => {
  it("replaces the placeholder menu entry and lists the open survey with questions and close date", async () => {
    const menu = await sh.h.send(anna, "/menu");
    expect(choiceAction(menu, "Surveys")).toBe("surveys:list");
    const list = await sh.h.press(anna, "surveys:list");
    expect(list[0]!.text).toMatch(/Test survey – 5 questions, until \w+/);
    const page = await sh.h.press(anna, choiceAction(list, "Test survey"));
    expect(page[0]!.text).toContain("This survey is anonymous");
    expect(page[0]!.text).toContain("5 questions");
  });

  it("walks every question type with back, skip, other, min/max picks and a length limit", async () => {
    const s = survey.id;
    let r = await sh.h.press(anna, `surveys:start:${s}`);
    expect(r[0]!.text).toContain("Question 1 of 5");
    expect(r[0]!.choices.map((c) => c.label)).toEqual(["Bakery", "Doctor", "Bus", "Other …", "Pause (continue later)"]);

    r = await sh.h.press(anna, choiceAction(r, "Other"));
    expect(r[0]!.text).toContain("other answer");
    r = await sh.h.send(anna, "Dorfladen");
    expect(r[0]!.text).toContain("Question 2 of 5");

    r = await sh.h.press(anna, `surveys:done:${s}:1`);
    expect(r[0]!.text).toContain("between 1 and 2 answers (you have chosen 0)");
    for (const p of [0, 1, 2]) r = await sh.h.press(anna, `surveys:tog:${s}:1:${p}`);
    // The third tick is refused at once (at most 2), and the two earlier ones stay.
    expect(r[0]!.text).toContain("at most 2 answers");
    expect(r[1]!.choices.filter((c) => c.label.startsWith("✅")).map((c) => c.label)).toEqual(["✅ Cycle paths", "✅ Playground"]);
    r = await sh.h.press(anna, `surveys:done:${s}:1`);
    expect(r[0]!.text).toContain("Question 3 of 5");
    expect(r[0]!.choices.map((c) => c.label).slice(0, 5)).toEqual(["1 – not at all", "2", "3", "4", "5 – very"]);
    expect(r[0]!.choices.some((c) => c.label === "Skip")).toBe(false);

    r = await sh.h.press(anna, `surveys:pick:${s}:2:4`);
    expect(r[0]!.text).toContain("Question 4 of 5");
    expect(r[0]!.text).toContain("(optional)");
    r = await sh.h.press(anna, choiceAction(r, "Back"));
    expect(r[0]!.text).toContain("Question 3 of 5");
    expect(r[0]!.choices.find((c) => c.label.startsWith("✅"))?.label).toBe("✅ 4");
    r = await sh.h.press(anna, `surveys:pick:${s}:2:5`);
    r = await sh.h.press(anna, choiceAction(r, "Skip"));
    expect(r[0]!.text).toContain("Question 5 of 5");

    r = await sh.h.send(anna, "a".repeat(25));
    expect(r[0]!.text).toContain("between 1 and 20 characters (it has 25)");
    r = await sh.h.send(anna, "Mehr <Bänke>");
    expect(r[0]!.text).toContain("Your answers to “Test survey”");
    const summary = r[0]!.text;
    expect(summary).toContain("→ Other: Dorfladen");
    expect(summary).toContain("→ Cycle paths, Playground");
    expect(summary).toContain("→ 5 – very");
    expect(summary).toContain("→ skipped");
    expect(summary).toContain("→ Mehr <Bänke>");
    expect(r[0]!.message.html).toContain("Mehr &lt;Bänke&gt;");

    r = await sh.h.press(anna, choiceAction(r, "Send answers"));
    expect(r[0]!.text).toContain("have been counted");

    const rows = await sh.h.db.prisma.surveyAnswer.findMany({ where: { question: { surveyId: s } }, include: { question: true, option: true } });
    const byQuestion = (p: number) => rows.filter((a) => a.question.position === p);
    expect(byQuestion(0).map((a) => [a.optionId, a.text])).toEqual([[null, "Dorfladen"]]);
    expect(byQuestion(1).map((a) => a.option?.position).sort()).toEqual([0, 1]);
    expect(byQuestion(2).map((a) => a.value)).toEqual([5]);
    expect(byQuestion(3)).toEqual([]);
    expect(byQuestion(4).map((a) => a.text)).toEqual(["Mehr <Bänke>"]);
    expect(await sh.h.db.prisma.surveyDraft.count()).toBe(0);
  });

  it("shows the survey as answered and refuses a second response", async () => {
    const list = await sh.h.press(anna, "surveys:list");
    expect(list[0]!.text).toContain("✅ answered");
    const again = await sh.h.press(anna, `surveys:start:${survey.id}`);
    expect(again[0]!.text).toContain("already answered");
    expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
  });

  it("answers with numbers on a channel without buttons and opens by deep link", async () => {
    const bert: Person = { channel: "console", userId: "bert" };
    await sh.h.onboard(bert);
    let r = await sh.h.send(bert, `/start survey_${survey.id}`, NO_BUTTONS);
    expect(r[0]!.text).toContain("Testumfrage");
    r = await sh.h.send(bert, "1", NO_BUTTONS); // "Umfrage beginnen"
    expect(r[0]!.text).toContain("Frage 1 von 5");
    r = await sh.h.send(bert, "2", NO_BUTTONS); // Arzt
    expect(r[0]!.text).toContain("Frage 2 von 5");
    r = await sh.h.send(bert, "Radwege bitte", NO_BUTTONS);
    expect(r[0]!.text).toContain("Bitte nutzen Sie die Auswahlmöglichkeiten");
  });

  it("resumes after leaving and after a restart, also at a free-text question", async () => {
    const carla: Person = { channel: "telegram", userId: "5003" };
    await sh.h.onboard(carla, { locale: "en" });
    const s = survey.id;
    await sh.h.press(carla, `surveys:start:${s}`);
    await sh.h.press(carla, `surveys:pick:${s}:0:2`);
    await sh.h.press(carla, "menu:open");
    sh.h.restart();
    const page = await sh.h.press(carla, `surveys:open:${s}`);
    const resume = choiceAction(page, "Continue (question 2 of 5)");
    let r = await sh.h.press(carla, resume);
    expect(r[0]!.text).toContain("Question 2 of 5");
    await sh.h.press(carla, `surveys:tog:${s}:1:0`);
    await sh.h.press(carla, `surveys:done:${s}:1`);
    await sh.h.press(carla, `surveys:pick:${s}:2:3`);
    await sh.h.press(carla, `surveys:pick:${s}:3:1`);
    sh.h.restart();
    r = await sh.h.send(carla, "Ein Café");
    expect(r[0]!.text).toContain("Your answers");
    expect(r[0]!.text).toContain("→ Bus");
    expect(r[0]!.text).toContain("→ Yes");
    r = await sh.h.press(carla, `surveys:send:${s}`);
    expect(r[0]!.text).toContain("have been counted");
  });

  it("shows the current question again for a button of an earlier one", async () => {
    const dora: Person = { channel: "telegram", userId: "5004" };
    await sh.h.onboard(dora, { locale: "en" });
    const s = survey.id;
    await sh.h.press(dora, `surveys:start:${s}`);
    await sh.h.press(dora, `surveys:pick:${s}:0:0`);
    const r = await sh.h.press(dora, `surveys:pick:${s}:0:1`);
    expect(r[0]!.text).toContain("earlier question");
    expect(r[1]!.text).toContain("Question 2 of 5");
    const skip = await sh.h.press(dora, `surveys:skip:${s}:1`);
    expect(skip[0]!.text).toContain("needs an answer");
  });

  it("keeps surveys of other villages out of the list and refuses them by link", async () => {
    const burweg = await sh.h.db.prisma.area.findUniqueOrThrow({ where: { slug: "burweg" } });
    const other = await sh.addOpenSurvey({ areaId: burweg.id, title: { de: "Nur Burweg", en: "Burweg only" }, questions: ALL_TYPES.slice(3, 4) });
    const list = await sh.h.press(anna, "surveys:list");
    expect(list[0]!.text).not.toContain("Burweg only");
    const page = await sh.h.send(anna, `/start survey_${other.id}`);
    expect(page[0]!.text).toContain("not meant for your village");
  });

  it("does not ask questions in a group", async () => {
    const group: Person = { channel: "telegram", userId: "5001", chatId: "-100777", chatKind: "group" };
    const r = await sh.h.press(group, `surveys:start:${survey.id}`);
    expect(r[0]!.text).toContain(`/start survey_${survey.id}`);
    expect(texts(r)).not.toContain("Question 1");
  });

  it("refuses to count answers once the survey has closed", async () => {
    const emil: Person = { channel: "telegram", userId: "5005" };
    await sh.h.onboard(emil, { locale: "en" });
    const short = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(3, 4), closesAt: new Date(sh.h.clock.now().getTime() + 60_000) });
    await sh.h.press(emil, `surveys:start:${short.id}`);
    await sh.h.press(emil, `surveys:pick:${short.id}:0:1`);
    sh.h.clock.advance(120_000);
    const r = await sh.h.press(emil, `surveys:send:${short.id}`);
    expect(r[0]!.text).toContain("is closed");
    expect(await sh.h.db.prisma.surveyResponse.count({ where: { surveyId: short.id } })).toBe(0);
    expect(await sh.h.db.prisma.surveyDraft.count({ where: { surveyId: short.id } })).toBe(0);
  });
});
