import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSurveyScheduler } from "../../../../src/core/features/surveys/survey-scheduler.js";
import type { Survey } from "../../../../src/core/model/survey.js";
import { NO_BUTTONS } from "../../../support/core-harness.js";
import { silentLogger } from "../../../support/silent-logger.js";
import { decodePng } from "../../../charts/decode-png.js";
import { ALL_TYPES, createSurveyHarness, texts, type Person, type SurveyHarness } from "./survey-harness.js";

let sh: SurveyHarness;
let survey: Survey;
const admin: Person = { channel: "telegram", userId: "8000" };
const group: Person = { channel: "telegram", userId: "8000", chatId: "-100888", chatKind: "group" };
const resident: Person = { channel: "telegram", userId: "8001" };

/** picks for q0, toggles for q1, scale, yes/no (undefined = skip), text */
const BALLOTS: [number | "other", number[], number, number | undefined, string][] = [
  [0, [0, 1], 5, 1, "Mehr Bänke"],
  [0, [0], 4, 0, "Ein Dorfladen"],
  [1, [2], 4, undefined, "Schnelleres Internet"],
  ["other", [0, 1], 2, 1, "Ein Café"],
];

beforeAll(async () => {
  sh = await createSurveyHarness();
  await sh.grantAdmin("telegram:8000");
  await sh.h.onboard(admin, { locale: "en" });
  await sh.h.onboard(resident, { locale: "en" });
  survey = await sh.h.access.run(() =>
    sh.store.create({
      key: "results-test",
      title: { de: "Dorfumfrage", en: "Village survey" },
      intro: { de: "Intro", en: "Intro" },
      areaId: null,
      opensAt: null,
      closesAt: new Date(sh.h.clock.now().getTime() + 86_400_000),
      anonymous: true,
      allowChange: false,
      liveResults: false,
      questions: ALL_TYPES,
    }),
  );
});
afterAll(async () => sh.h.dispose());

async function vote(person: Person, [single, multiple, scale, yesno, text]: (typeof BALLOTS)[number]): Promise<void> {
  const s = survey.id;
  await sh.h.onboard(person, { locale: "de" });
  await sh.h.press(person, `surveys:start:${s}`);
  if (single === "other") {
    await sh.h.press(person, `surveys:other:${s}:0`);
    await sh.h.send(person, "Kino");
  } else await sh.h.press(person, `surveys:pick:${s}:0:${single}`);
  for (const p of multiple) await sh.h.press(person, `surveys:tog:${s}:1:${p}`);
  await sh.h.press(person, `surveys:done:${s}:1`);
  await sh.h.press(person, `surveys:pick:${s}:2:${scale}`);
  if (yesno === undefined) await sh.h.press(person, `surveys:skip:${s}:3`);
  else await sh.h.press(person, `surveys:pick:${s}:3:${yesno}`);
  await sh.h.send(person, text);
  const sent = await sh.h.press(person, `surveys:send:${s}`);
  expect(sent[0]!.text).toContain("gezählt");
}

describe("admin commands", () => {
  it("are refused to residents", async () => {
    for (const command of ["/surveys", `/survey_open ${survey.id}`, `/survey_results ${survey.id}`]) {
      const r = await sh.h.send(resident, command);
      expect(r[0]!.text).toBe("Only administrators may do that.");
    }
  });

  it("roll back opening when the announcement cannot be written", async () => {
    sh.publisher.failNext = true;
    await expect(sh.h.send(admin, `/survey_open ${survey.id}`)).rejects.toThrow("outbox unavailable");
    expect((await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).status).toBe("draft");
    expect(await sh.h.db.prisma.keyValue.count({ where: { key: { startsWith: "test-outbox:" } } })).toBe(0);
  });

  it("open a survey and publish it to the surveys feed in the same transaction", async () => {
    const r = await sh.h.send(admin, `/survey_open ${survey.id}`);
    expect(r[0]!.text).toContain(`Survey ${survey.id} “Village survey” is open`);
    expect(r[0]!.text).toContain("3 subscribed chats");
    expect(sh.publisher.requests).toHaveLength(1);
    const request = sh.publisher.requests[0]!;
    expect(request.audience).toEqual({ kind: "feed", feed: "surveys", areaId: null });
    expect(request.origin).toBe(`survey:${survey.id}:opened`);
    const german = request.content("de");
    expect(german.html).toContain("Umfrage: Dorfumfrage");
    expect(german.html).toContain(`/start survey_${survey.id}`);
    expect(german.choices?.[0]?.[0]?.action).toBe(`deeplink:survey_${survey.id}`);
    expect(await sh.h.db.prisma.keyValue.count({ where: { key: { startsWith: "test-outbox:" } } })).toBe(1);
  });

  it("list surveys with status and response counts, and announce one in a group", async () => {
    const list = await sh.h.send(admin, "/surveys");
    expect(list[0]!.text).toContain(`${survey.id}. Village survey – open, 0 responses`);
    const announced = await sh.h.send(group, `/survey_announce ${survey.id}`);
    expect(announced[0]!.text).toContain(`/start survey_${survey.id}`);
    // Choosing the announcement's button in the group never starts the survey there.
    const pressed = await sh.h.send(group, "1", NO_BUTTONS);
    expect(pressed[0]!.text).toContain("private chat");
  });
});

describe("results", () => {
  it("stay hidden from residents until published", async () => {
    for (const [index, ballot] of BALLOTS.entries()) await vote({ channel: "matrix", userId: `@voter${index}:example.org` }, ballot);
    const hidden = await sh.h.press(resident, `surveys:res:${survey.id}`);
    expect(hidden[0]!.text).toContain("not been published");
  });

  it("count and share per question, with every free text and its id for admins", async () => {
    const r = await sh.h.send(admin, `/survey_results ${survey.id}`);
    expect(r[0]!.text).toContain("Village survey (open)\n4 responses");
    const [single, multiple, scale, yesno, text, freeTexts] = r.slice(1).map((m) => m.text);
    expect(single).toContain("4 answered this question.");
    expect(single).toContain("Bakery: 2 (50%)");
    expect(single).toContain("Doctor: 1 (25%)");
    expect(single).toContain("Bus: 0 (0%)");
    expect(single).toContain("Other: 1 (25%)");
    // Free texts ("other" included) follow on their own, paged message, under their question.
    expect(freeTexts).toContain("1. What is missing?\n• Kino");
    expect(multiple).toContain("Cycle paths: 3 (75%)");
    expect(multiple).toContain("Playground: 2 (50%)");
    expect(multiple).toContain("Street lights: 1 (25%)");
    expect(scale).toContain("4: 2 (50%)");
    expect(scale).toContain("5 – very: 1 (25%)");
    expect(scale).toContain("Average: 3.8");
    expect(yesno).toContain("3 answered this question.");
    expect(yesno).toContain("Yes: 2 (67%)");
    expect(yesno).toContain("No: 1 (33%)");
    expect(text).toContain("4 answered this question.");
    expect(freeTexts).toContain("Free texts: Village survey (5 answers)");
    expect(freeTexts).toMatch(/5\. Your idea\?\n(• .+\n){0,3}• Mehr Bänke [0-9A-Z]{10}/);
  });

  it("attach a bar chart PNG per choice question on channels with images, and none for free text", async () => {
    const r = await sh.h.send(admin, `/survey_results ${survey.id}`);
    const withImages = r.slice(1).map((m) => m.message.image);
    expect(withImages.map((i) => i !== undefined)).toEqual([true, true, true, true, false, false]);
    const first = withImages[0]!;
    expect(first.alt).toContain("Bar chart for “What is missing?”: Bakery: 2; Doctor: 1; Bus: 0; Other: 1");
    const png = decodePng(first.bytes);
    expect(png.width).toBe(960);
    expect(png.height).toBeGreaterThan(200);
    let coloured = 0;
    for (let i = 0; i < png.rgba.length; i += 4) if (png.rgba[i]! < 200 || png.rgba[i + 1]! < 200) coloured += 1;
    expect(coloured / (png.width * png.height)).toBeGreaterThan(0.03);

    const textOnly = await sh.h.send(admin, `/survey_results ${survey.id}`, NO_BUTTONS);
    expect(textOnly.every((m) => m.message.image === undefined)).toBe(true);
    expect(textOnly[1]!.text).toContain("Bakery: 2 (50%)");
  });

  it("publish to residents with only the free texts an admin chose", async () => {
    const full = await sh.h.send(admin, `/survey_results ${survey.id}`);
    const id = /• Ein Café ([0-9A-Z]{10})/.exec(full.at(-1)!.text)![1]!;
    const published = await sh.h.send(admin, `/survey_publish_text ${id}`);
    expect(published[0]!.text).toContain(`Answer ${id} is now visible`);
    expect((await sh.h.send(admin, "/survey_publish_text ZZZZZZZZZZ"))[0]!.text).toContain("no free-text answer");

    expect((await sh.h.send(admin, `/survey_close ${survey.id}`))[0]!.text).toContain("is closed");
    expect((await sh.h.send(admin, `/survey_publish ${survey.id}`))[0]!.text).toContain("are published");
    const r = await sh.h.press(resident, `surveys:res:${survey.id}`);
    const all = texts(r);
    expect(all).toContain("Bakery: 2 (50%)");
    expect(all).toContain("• Ein Café");
    expect(all).not.toContain("Mehr Bänke");
    expect(all).not.toContain("Kino");
    expect(all).not.toMatch(/[0-9A-Z]{10}/);
    const page = await sh.h.press(resident, `surveys:open:${survey.id}`);
    expect(page[0]!.choices.map((c) => c.action)).toContain(`surveys:res:${survey.id}`);
    // Every admin act on the survey is in the audit log, the published text by its id.
    const acts = await sh.h.db.prisma.auditLog.findMany({ where: { targetType: "survey", targetId: String(survey.id) }, orderBy: { seq: "asc" } });
    expect(acts.map((a) => [a.action, a.reason])).toEqual([
      ["survey.open", null],
      ["survey.publish_text", id],
      ["survey.close", null],
      ["survey.publish", null],
    ]);
  });
});

describe("closing at the close time", () => {
  it("closes due surveys and removes their drafts", async () => {
    const due = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(3, 4), closesAt: new Date(sh.h.clock.now().getTime() + 60_000) });
    const later = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(3, 4) });
    await sh.h.press(resident, `surveys:start:${due.id}`);
    expect(await sh.h.db.prisma.surveyDraft.count({ where: { surveyId: due.id } })).toBe(1);
    const scheduler = createSurveyScheduler({ store: sh.store, unitOfWork: sh.h.access, clock: sh.h.clock, logger: silentLogger, intervalMs: 20 });
    expect(await scheduler.tick()).toEqual([]);
    sh.h.clock.advance(61_000);
    scheduler.start();
    const deadline = Date.now() + 5_000;
    while ((await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: due.id } })).status !== "closed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await scheduler.stop();
    expect((await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: due.id } })).status).toBe("closed");
    expect((await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: later.id } })).status).toBe("open");
    expect(await sh.h.db.prisma.surveyDraft.count({ where: { surveyId: due.id } })).toBe(0);
    const list = await sh.h.press(resident, "surveys:list");
    expect(list[0]!.text).not.toContain(`${due.id}.`);
  });
});
