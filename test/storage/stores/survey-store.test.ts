import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewSurvey } from "../../../src/core/ports/survey-store.js";
import { createPrismaAccess, type PrismaAccess } from "../../../src/storage/prisma-access.js";
import { createSurveyStore } from "../../../src/storage/stores/survey-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

let t: TestDatabase;
let access: PrismaAccess;
beforeAll(async () => {
  t = await createTestDatabase();
  access = createPrismaAccess(t.db.prisma);
});
afterAll(async () => t.dispose());

let keys = 0;
const survey = (question: string): NewSurvey => ({
  key: `store-test-${++keys}`,
  title: { de: "Spielplatz", en: "Playground" },
  intro: { de: "Kurz", en: "Short" },
  areaId: null,
  opensAt: null,
  closesAt: new Date("2030-01-01T00:00:00Z"),
  anonymous: false,
  allowChange: true,
  liveResults: false,
  questions: [
    { type: "single", text: { de: question, en: question }, required: true, options: [{ de: "Ja", en: "Yes" }, { de: "Nein", en: "No" }] },
    { type: "text", text: { de: "Warum?", en: "Why?" }, required: false, maxLength: 200 },
  ],
});

/** Changes a question behind the store's back; the app never does, which is what makes caching safe. */
async function rewriteFirstQuestion(surveyId: number, text: string): Promise<void> {
  await t.db.prisma.surveyQuestion.updateMany({ where: { surveyId, position: 0 }, data: { text: { de: text, en: text } } });
}

describe("survey store", () => {
  it("reads a survey's questions once, and its status and dates every time", async () => {
    const writer = createSurveyStore(access);
    const created = await writer.create(survey("Neue Schaukel?"));
    const reader = createSurveyStore(access);
    const first = await reader.get(created.id);
    expect(first?.questions.map((q) => q.text.de)).toEqual(["Neue Schaukel?", "Warum?"]);
    expect(first?.questions[0]?.options.map((o) => o.label.de)).toEqual(["Ja", "Nein"]);

    await rewriteFirstQuestion(created.id, "geändert");
    await writer.setStatus(created.id, "open");
    const again = await reader.get(created.id);
    expect(again?.status).toBe("open");
    expect(again?.questions[0]?.text.de).toBe("Neue Schaukel?");
    expect(again).toEqual({ ...first, status: "open" });
    // A fresh process reads what the database holds.
    expect((await createSurveyStore(access).get(created.id))?.questions[0]?.text.de).toBe("geändert");
  });

  it("answers lists and lookups by key from the same questions, within its cache size", async () => {
    const store = createSurveyStore(access, { questionCacheSize: 1 });
    const a = await store.create(survey("Frage A"));
    const b = await store.create(survey("Frage B"));
    for (const id of [a.id, b.id]) await store.setStatus(id, "open");
    const open = await store.listAnswerable([], new Date("2029-06-01T00:00:00Z"));
    const mine = open.filter((s) => s.id === a.id || s.id === b.id);
    expect(mine.map((s) => s.questions[0]?.text.de)).toEqual(["Frage A", "Frage B"]);
    expect((await store.byKey(a.key))?.questions[0]?.text.de).toBe("Frage A");
    expect((await store.get(b.id))?.questions[0]?.text.de).toBe("Frage B");
    const overview = await store.overview();
    expect(overview.find((o) => o.survey.id === b.id)?.survey.questions).toHaveLength(2);
    expect(await store.get(999_999)).toBeUndefined();
  });
});
