import { createAuditStore } from "../../../../src/storage/stores/audit-store.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderBarChart } from "../../../../src/charts/bar-chart.js";
import { createIdeasFeatures, DEFAULT_IDEAS_CONFIG } from "../../../../src/core/features/ideas/index.js";
import { createSurveysFeature } from "../../../../src/core/features/surveys/survey-feature.js";
import type { SurveyStore } from "../../../../src/core/ports/survey-store.js";
import { createIdeaStores } from "../../../../src/storage/create-idea-stores.js";
import { createSurveyStore } from "../../../../src/storage/stores/survey-store.js";
import { createCoreHarness, NO_BUTTONS, type CoreHarness, type Person } from "../../../support/core-harness.js";
import { createRecordingPublisher } from "../ideas/ideas-fixture.js";
import { ALL_TYPES, addOpenSurvey, choiceAction } from "./survey-harness.js";

let h: CoreHarness;
let store: SurveyStore;
const resident: Person = { channel: "telegram", userId: "8201" };
const MINUTE = 60_000;

beforeAll(async () => {
  const publisher = createRecordingPublisher();
  let surveys: SurveyStore | undefined;
  h = await createCoreHarness({
    features: ({ access, stores: foundation, translator, clock }) => {
      surveys = createSurveyStore(access);
      return [
        createSurveysFeature({ surveys, areas: foundation.areas, publisher, translator, clock, charts: { render: renderBarChart }, organiser: "Gemeinde", audit: createAuditStore(access), timeZone: "Europe/Berlin" }),
        ...createIdeasFeatures({
          ...createIdeaStores(access),
          areas: foundation.areas,
          residents: foundation.residents,
          publisher,
          translator,
          clock,
          config: DEFAULT_IDEAS_CONFIG,
          publishedSurveys: surveys,
          timeZone: "Europe/Berlin",
        }),
      ];
    },
  });
  store = surveys!;
  await h.onboard(resident, { locale: "en" });
});
afterAll(async () => h.dispose());

async function publishedSurvey(title: string) {
  const survey = await addOpenSurvey(h.access, store, h.clock.now(), { title: { de: title, en: title }, questions: ALL_TYPES.slice(0, 1) });
  await h.access.run(() => store.setStatus(survey.id, "published", undefined, h.clock.now()));
  h.clock.advance(MINUTE);
  return survey;
}

describe("published survey results", () => {
  it("are not listed before any survey is published", async () => {
    const r = await h.press(resident, "results:open");
    expect(r[0]!.text).toContain("has not published results yet");
    expect(r[0]!.text).not.toContain("Survey results");
  });

  it("are listed under Results, newest first, paged, and open with their results", async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 7; i += 1) ids.push((await publishedSurvey(`Umfrage ${i}`)).id);
    // An open survey is not listed: its results are not published.
    await addOpenSurvey(h.access, store, h.clock.now(), { title: { de: "Offen", en: "Still open" }, questions: ALL_TYPES.slice(0, 1) });

    const first = await h.press(resident, "results:open");
    const text = first[0]!.text;
    expect(text).toContain("Survey results");
    expect(text).not.toContain("Still open");
    // Newest publication first: 7, 6, 5, 4, 3 on the first page.
    const order = [7, 6, 5, 4, 3].map((n) => text.indexOf(`Umfrage ${n} (published`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain("Umfrage 2 (");
    const labels = first[0]!.choices.map((c) => c.label);
    expect(labels.filter((l) => l.startsWith("Survey: "))).toHaveLength(5);

    const second = await h.press(resident, choiceAction(first, "Next"));
    expect(second[0]!.text).toContain("Umfrage 2 (published");
    expect(second[0]!.text).toContain("Umfrage 1 (published");
    expect(second[0]!.text).not.toContain("Umfrage 7 (");

    // Choosing one by its number shows its results as the messengers show them.
    const numbered = await h.send(resident, "/results", NO_BUTTONS);
    const number = numbered[0]!.choices.findIndex((c) => c.label === "Survey: Umfrage 7") + 1;
    expect(number).toBeGreaterThan(0);
    const results = await h.send(resident, String(number), NO_BUTTONS);
    expect(results[0]!.text).toContain("Results: Umfrage 7");
    expect(results[1]!.text).toContain("1. What is missing?");
  });

  it("are shown with a chart on channels with images", async () => {
    const first = await h.press(resident, "results:open");
    const results = await h.press(resident, choiceAction(first, "Survey: Umfrage 6"));
    expect(results[0]!.text).toContain("Results: Umfrage 6");
    expect(results[1]!.message.image?.bytes.length).toBeGreaterThan(100);
  });

  it("are linked from the survey list and from the survey's own entry", async () => {
    const list = await h.press(resident, "surveys:list");
    expect(choiceAction(list, "Results of past surveys")).toBe("results:open");
    const survey = (await store.listPublished())[0]!;
    const entry = await h.press(resident, `surveys:open:${survey.id}`);
    expect(choiceAction(entry, "Show results")).toBe(`surveys:res:${survey.id}`);
  });
});
