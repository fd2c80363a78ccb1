import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TYPES, createSurveyHarness, type Person, type SurveyHarness } from "./survey-harness.js";

let sh: SurveyHarness;
beforeAll(async () => {
  sh = await createSurveyHarness();
});
afterAll(async () => sh.h.dispose());

interface ColumnRow {
  table_name: string;
  column_name: string;
}

describe("anonymous surveys", () => {
  it("store no path from a response to the resident", async () => {
    const survey = await sh.addOpenSurvey({ anonymous: true, questions: ALL_TYPES });
    const s = survey.id;
    const people: Person[] = [0, 1, 2].map((i) => ({ channel: "telegram", userId: String(7000 + i) }));
    for (const [index, person] of people.entries()) {
      await sh.h.onboard(person, { locale: "en" });
      await sh.h.press(person, `surveys:start:${s}`);
      await sh.h.press(person, `surveys:pick:${s}:0:${index}`);
      await sh.h.press(person, `surveys:tog:${s}:1:0`);
      await sh.h.press(person, `surveys:done:${s}:1`);
      await sh.h.press(person, `surveys:pick:${s}:2:3`);
      await sh.h.press(person, `surveys:pick:${s}:3:1`);
      await sh.h.send(person, `Idee ${index}`);
      sh.h.clock.advance(37 * 60_000 + index * 1_111);
      await sh.h.press(person, `surveys:send:${s}`);
    }
    const prisma = sh.h.db.prisma;
    const residentIds = (await prisma.identity.findMany({ where: { id: { in: people.map((p) => `telegram:${p.userId}`) } } })).map((i) => i.residentId);

    // The drafts, the only rows joining resident and answers while answering, are gone.
    expect(await prisma.surveyDraft.count({ where: { surveyId: s } })).toBe(0);

    const responses = await prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "SurveyResponse" WHERE "surveyId" = ${s}`;
    expect(responses).toHaveLength(3);
    for (const row of responses) {
      expect(row["residentId"]).toBeNull();
      // Random ids and a day-only timestamp: neither order nor time points to anyone.
      expect(String(row["id"])).toMatch(/^[0-9a-f-]{36}$/);
      expect((row["submittedAt"] as Date).toISOString()).toMatch(/T00:00:00\.000Z$/);
      expect(String(row["voterToken"])).toMatch(/^[0-9a-f]{64}$/);
    }

    // Every column of the response tables: none holds a resident id or a value derived in the open from one.
    const columns = await prisma.$queryRaw<ColumnRow[]>`SELECT table_name, column_name FROM information_schema.columns
      WHERE table_name IN ('SurveyResponse', 'SurveyAnswer') ORDER BY table_name, column_name`;
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual([
      "SurveyAnswer.id",
      "SurveyAnswer.optionId",
      "SurveyAnswer.questionId",
      "SurveyAnswer.responseId",
      "SurveyAnswer.text",
      "SurveyAnswer.textPublished",
      "SurveyAnswer.value",
      "SurveyResponse.id",
      "SurveyResponse.residentId",
      "SurveyResponse.submittedAt",
      "SurveyResponse.surveyId",
      "SurveyResponse.voterToken",
    ]);
    const answers = await prisma.$queryRaw<Record<string, unknown>[]>`SELECT a.* FROM "SurveyAnswer" a
      JOIN "SurveyResponse" r ON r."id" = a."responseId" WHERE r."surveyId" = ${s}`;
    const identityish = new Set([...residentIds.map(String), ...people.map((p) => p.userId), ...people.map((p) => `telegram:${p.userId}`)]);
    for (const row of [...responses, ...answers]) {
      for (const [column, value] of Object.entries(row)) {
        if (column === "surveyId" || column === "questionId" || column === "optionId" || column === "value") continue;
        expect(identityish.has(String(value)), `${column}=${String(value)}`).toBe(false);
      }
    }
    // No foreign key from the response tables to residents or identities is ever filled.
    const foreignKeys = await prisma.$queryRaw<{ target: string }[]>`SELECT ccu.table_name AS target
      FROM information_schema.table_constraints tc
      JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name IN ('SurveyResponse', 'SurveyAnswer')`;
    // The only way to a resident is SurveyResponse.residentId, used by named surveys and null above.
    expect(new Set(foreignKeys.map((f) => f.target))).toEqual(new Set(["Survey", "Resident", "SurveyResponse", "SurveyQuestion", "SurveyOption"]));
  });

  it("keeps the voter-token secret in one place and derives different tokens per survey", async () => {
    const a = await sh.addOpenSurvey({ anonymous: true, questions: ALL_TYPES.slice(3, 4) });
    const b = await sh.addOpenSurvey({ anonymous: true, questions: ALL_TYPES.slice(3, 4) });
    const person: Person = { channel: "telegram", userId: "7100" };
    await sh.h.onboard(person, { locale: "en" });
    for (const survey of [a, b]) {
      await sh.h.press(person, `surveys:start:${survey.id}`);
      await sh.h.press(person, `surveys:pick:${survey.id}:0:1`);
      await sh.h.press(person, `surveys:send:${survey.id}`);
    }
    const tokens = await sh.h.db.prisma.surveyResponse.findMany({ where: { surveyId: { in: [a.id, b.id] } }, select: { voterToken: true } });
    expect(new Set(tokens.map((t) => t.voterToken)).size).toBe(2);
    expect(await sh.h.db.prisma.keyValue.count({ where: { key: "surveys.voter-token-secret" } })).toBe(1);
  });

  it("says in the privacy note of a named survey who sees the answers", async () => {
    const named = await sh.addOpenSurvey({ anonymous: false, questions: ALL_TYPES.slice(3, 4) });
    const person: Person = { channel: "telegram", userId: "7200" };
    await sh.h.onboard(person, { locale: "en" });
    const page = await sh.h.press(person, `surveys:open:${named.id}`);
    expect(page[0]!.text).toContain("not anonymous");
    expect(page[0]!.text).toContain("Samtgemeinde Oldendorf-Himmelpforten can see who gave which answers");
  });
});
