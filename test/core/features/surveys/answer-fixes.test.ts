import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Survey } from "../../../../src/core/model/survey.js";
import { numberedChoiceLines } from "../../../../src/core/render/plain-text.js";
import { BUTTONS, NO_BUTTONS } from "../../../support/core-harness.js";
import { ALL_TYPES, choiceAction, createSurveyHarness, type Person, type SurveyHarness } from "./survey-harness.js";

let sh: SurveyHarness;
let survey: Survey;

beforeAll(async () => {
  sh = await createSurveyHarness();
  survey = await sh.addOpenSurvey({ questions: ALL_TYPES });
});
afterAll(async () => sh.h.dispose());

/** Answers questions 1–4 of ALL_TYPES by button, leaving the resident at the free-text question. */
async function toTextQuestion(person: Person, s: number): Promise<void> {
  await sh.h.press(person, `surveys:start:${s}`);
  await sh.h.press(person, `surveys:pick:${s}:0:0`);
  await sh.h.press(person, `surveys:tog:${s}:1:0`);
  await sh.h.press(person, `surveys:done:${s}:1`);
  await sh.h.press(person, `surveys:pick:${s}:2:3`);
  await sh.h.press(person, `surveys:pick:${s}:3:1`);
}

const answersOf = async (s: number, person: Person) => {
  const identity = await sh.h.db.prisma.identity.findUniqueOrThrow({ where: { id: `${person.channel}:${person.userId}` } });
  return { answers: (await sh.h.db.prisma.surveyDraft.findUniqueOrThrow({ where: { surveyId_residentId: { surveyId: s, residentId: identity.residentId } } })).answers };
};

describe("free text shown again after going back", () => {
  it("can be kept as it is", async () => {
    const p: Person = { channel: "telegram", userId: "6101" };
    await sh.h.onboard(p, { locale: "en" });
    const s = survey.id;
    await toTextQuestion(p, s);
    let r = await sh.h.send(p, "Mehr Bänke");
    expect(r[0]!.text).toContain("Your answers");
    r = await sh.h.press(p, choiceAction(r, "Back"));
    expect(r[0]!.text).toContain("Your answer so far: “Mehr Bänke”");
    expect(r[0]!.text).toContain("keep this answer or write a new message");
    r = await sh.h.press(p, choiceAction(r, "Keep my answer"));
    expect(r[0]!.text).toContain("→ Mehr Bänke");
    r = await sh.h.press(p, `surveys:send:${s}`);
    expect(r[0]!.text).toContain("have been counted");
    const rows = await sh.h.db.prisma.surveyAnswer.findMany({ where: { question: { surveyId: s, position: 4 }, text: "Mehr Bänke" } });
    expect(rows).toHaveLength(1);
  });

  it("can be replaced by a new message, also on a numbered channel", async () => {
    const p: Person = { channel: "console", userId: "replacer" };
    await sh.h.onboard(p, { locale: "en" });
    const s = survey.id;
    await toTextQuestion(p, s);
    await sh.h.send(p, "Erste Fassung", NO_BUTTONS);
    let r = await sh.h.press(p, `surveys:back:${s}:5`, NO_BUTTONS);
    const labels = r[0]!.choices.map((c) => c.label);
    expect(labels).toContain("Keep my answer");
    r = await sh.h.send(p, "Zweite Fassung", NO_BUTTONS);
    expect(r[0]!.text).toContain("→ Zweite Fassung");
    expect(r[0]!.text).not.toContain("Erste Fassung");
  });

  it("offers no keep choice where nothing was written", async () => {
    const p: Person = { channel: "telegram", userId: "6102" };
    await sh.h.onboard(p, { locale: "en" });
    await toTextQuestion(p, survey.id);
    const r = await sh.h.press(p, `surveys:start:${survey.id}`);
    expect(r[0]!.text).toContain("Question 5 of 5");
    expect(r[0]!.choices.map((c) => c.label)).not.toContain("Keep my answer");
    const stale = await sh.h.press(p, `surveys:keep:${survey.id}:4`);
    expect(stale[0]!.text).not.toContain("Your answers");
  });

  it("keeps an earlier 'other' text of a single choice without typing it again", async () => {
    const p: Person = { channel: "telegram", userId: "6103" };
    await sh.h.onboard(p, { locale: "en" });
    const s = survey.id;
    await sh.h.press(p, `surveys:start:${s}`);
    await sh.h.press(p, `surveys:other:${s}:0`);
    await sh.h.send(p, "Dorfladen");
    let r = await sh.h.press(p, `surveys:back:${s}:1`);
    expect(r[0]!.text).toContain("Question 1 of 5");
    r = await sh.h.press(p, `surveys:other:${s}:0`);
    r = await sh.h.press(p, choiceAction(r, "Keep my answer"));
    expect(r[0]!.text).toContain("Question 2 of 5");
    expect((await answersOf(s, p)) as unknown).toMatchObject({ answers: { "0": { other: "Dorfladen" } } });
  });
});

describe("multiple choice limits and typed picks", () => {
  it("refuses a tick beyond the maximum at once, also 'other', and keeps the ticks", async () => {
    const p: Person = { channel: "telegram", userId: "6201" };
    await sh.h.onboard(p);
    const s = survey.id;
    await sh.h.press(p, `surveys:start:${s}`);
    await sh.h.press(p, `surveys:pick:${s}:0:0`);
    await sh.h.press(p, `surveys:tog:${s}:1:0`);
    let r = await sh.h.press(p, `surveys:tog:${s}:1:2`);
    expect(r[0]!.choices.filter((c) => c.label.startsWith("✅"))).toHaveLength(2);
    r = await sh.h.press(p, `surveys:tog:${s}:1:1`);
    expect(r[0]!.text).toContain("Sie können höchstens 2 Antworten wählen");
    r = await sh.h.press(p, `surveys:other:${s}:1`);
    expect(r[0]!.text).toContain("höchstens 2 Antworten");
    expect((await answersOf(s, p)) as unknown).toMatchObject({ answers: { "1": { picks: [0, 2] } } });
    // Unticking makes room again.
    await sh.h.press(p, `surveys:tog:${s}:1:0`);
    r = await sh.h.press(p, `surveys:tog:${s}:1:1`);
    expect(r[0]!.choices.filter((c) => c.label.startsWith("✅")).map((c) => c.label)).toEqual(["✅ Spielplatz", "✅ Licht"]);
  });

  it.each([["1,2", 1], ["1 2", 2], ["1, 2", 3]] as const)("accepts %s as the picks on a numbered channel", async (typed, n) => {
    const p: Person = { channel: "console", userId: `typed-${n}` };
    await sh.h.onboard(p, { locale: "en" });
    const s = survey.id;
    await sh.h.press(p, `surveys:start:${s}`, NO_BUTTONS);
    let r = await sh.h.send(p, "3", NO_BUTTONS); // Bus
    expect(r[0]!.text).toContain("Question 2 of 5");
    r = await sh.h.send(p, typed, NO_BUTTONS);
    expect(r.at(-1)!.choices.filter((c) => c.label.startsWith("✅")).map((c) => c.label)).toEqual(["✅ Cycle paths", "✅ Playground"]);
    const done = r.at(-1)!.choices.findIndex((c) => c.label === "Done");
    r = await sh.h.send(p, String(done + 1), NO_BUTTONS);
    expect(r[0]!.text).toContain("Question 3 of 5");
    expect((await answersOf(s, p)) as unknown).toMatchObject({ answers: { "1": { picks: [0, 1] } } });
  });

  it("accepts '1, 3' with buttons too, and refuses invalid numbers or too many without changing anything", async () => {
    const p: Person = { channel: "telegram", userId: "6202" };
    await sh.h.onboard(p, { locale: "en" });
    const s = survey.id;
    await sh.h.press(p, `surveys:start:${s}`, BUTTONS);
    await sh.h.press(p, `surveys:pick:${s}:0:0`);
    let r = await sh.h.send(p, "1, 3");
    expect(r[0]!.choices.filter((c) => c.label.startsWith("✅")).map((c) => c.label)).toEqual(["✅ Cycle paths", "✅ Street lights"]);
    // 4 is "Other …", 9 is nothing: both refused by number, the ticks stay.
    r = await sh.h.send(p, "2, 4, 9");
    expect(r[0]!.text).toContain("Numbers 4, 9 are not answers to this question. Nothing was changed");
    r = await sh.h.send(p, "1 7");
    expect(r[0]!.text).toContain("Number 7 is not an answer");
    r = await sh.h.send(p, "1,2,3");
    expect(r[0]!.text).toContain("at most 2 answers");
    expect((await answersOf(s, p)) as unknown).toMatchObject({ answers: { "1": { picks: [0, 2] } } });
    r = await sh.h.send(p, "1,2 und 3");
    expect(r[0]!.text).toContain("Please use the options");
  });
});

describe("the survey list", () => {
  it("numbers each survey once on a numbered channel", async () => {
    const p: Person = { channel: "console", userId: "lister" };
    await sh.h.onboard(p, { locale: "en" });
    const second = await sh.addOpenSurvey({ title: { de: "Zweite", en: "Second survey" }, questions: ALL_TYPES.slice(3, 4) });
    const r = await sh.h.send(p, "/survey", NO_BUTTONS);
    // What the terminal shows: the message and under it the numbered choices.
    const text = [r[0]!.text, ...numberedChoiceLines(r[0]!.message)].join("\n");
    expect(text).not.toMatch(/^\d+\. \d+\./m);
    expect(text.match(/Test survey/g)).toHaveLength(1);
    expect(text.match(/Second survey/g)).toHaveLength(1);
    const labels = r[0]!.choices.map((c) => c.label);
    expect(labels[0]).toMatch(/^Test survey – 5 questions, until /);
    expect(labels[1]).toMatch(/^Second survey – 1 question, until /);
    const opened = await sh.h.send(p, "2", NO_BUTTONS);
    expect(opened[0]!.text).toContain("Second survey");
    expect(second.id).toBeGreaterThan(survey.id);
  });

  it("lists the facts once in the text and the titles on the buttons", async () => {
    const p: Person = { channel: "telegram", userId: "6301" };
    await sh.h.onboard(p, { locale: "en" });
    const r = await sh.h.send(p, "/survey", BUTTONS);
    expect(r[0]!.text).toMatch(/• Test survey – 5 questions, until /);
    expect(r[0]!.text).not.toMatch(/^1\. /m);
    expect(r[0]!.choices[0]!.label).toBe("Test survey");
  });
});
