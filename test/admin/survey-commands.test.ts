import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSurvey, importSurveyFile, SurveyFileError, type SurveyCommandDeps } from "../../src/admin/survey-commands.js";
import { SURVEY_FILE_MAX_BYTES } from "../../src/admin/survey-file.js";
import { createPrismaAccess } from "../../src/storage/prisma-access.js";
import { seedExampleIfEmpty } from "../../src/storage/seed-example.js";
import { createAreaStore } from "../../src/storage/stores/area-store.js";
import { createSurveyStore } from "../../src/storage/stores/survey-store.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { minimalSurveyFile } from "./minimal-survey-file.js";
import { parseCsv, withoutBom } from "../support/parse-csv.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/surveys/dorfentwicklung-hammah.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mitreden-survey-"));

let testDb: TestDatabase;
let deps: SurveyCommandDeps;
beforeAll(async () => {
  testDb = await createTestDatabase();
  await seedExampleIfEmpty(testDb.db.prisma);
  const access = createPrismaAccess(testDb.db.prisma);
  deps = { surveys: createSurveyStore(access), areas: createAreaStore(access), unitOfWork: access };
});
afterAll(async () => testDb.dispose());

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function importError(path: string): Promise<SurveyFileError> {
  const error = await importSurveyFile(path, deps).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SurveyFileError);
  return error as SurveyFileError;
}

const VALID = minimalSurveyFile("small");

describe("survey import", () => {
  it("imports the shipped example with every question type as a draft", async () => {
    const survey = await importSurveyFile(EXAMPLE, deps);
    expect(survey.status).toBe("draft");
    expect(survey.key).toBe("dorfentwicklung-hammah-2027");
    expect(survey.questions.map((q) => q.type)).toEqual(["single", "multiple", "scale", "yesno", "text"]);
    expect(survey.questions[1]).toMatchObject({ minPicks: 1, maxPicks: 3, allowOther: true });
    expect(survey.questions[2]).toMatchObject({ scaleMin: 1, scaleMax: 5, scaleMaxLabel: { de: "sehr gern", en: "very much" } });
    expect(survey.questions[3]!.required).toBe(false);
    expect(survey.title.en).toBe("Village development Hammah 2027");
    const hammah = await testDb.db.prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
    expect(survey.areaId).toBe(hammah.id);
    expect(survey.closesAt.toISOString()).toBe("2027-02-07T22:59:00.000Z");
  });

  it("stores a title with a NUL and other control characters clean, in NFC", async () => {
    // "\0" is YAML's own escape for NUL: the database refuses it in text (22P05).
    const source = VALID.replace("key: small", "key: nul-im-titel").replace("title: { de: Klein }", 'title: { de: "Umfrage\\0 Ham\\x07mah Cafe\\u0301" }');
    const survey = await importSurveyFile(write("nul.yaml", source), deps);
    expect(survey.title.de).toBe("Umfrage Hammah Café");
    const stored = await testDb.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } });
    expect(JSON.stringify(stored.title)).toBe(JSON.stringify({ de: "Umfrage Hammah Café" }));
  });

  it("refuses a file over the size limit at the place where it passes the limit, without reading on", async () => {
    const huge = `${VALID}  - type: text\n    text: { de: "${"Warum? ".repeat(1_500_000)}" }\n`;
    const error = await importError(write("riesig.yaml", huge));
    const line = VALID.split("\n").length + 1; // the huge question's line
    const before = SURVEY_FILE_MAX_BYTES - VALID.length - "  - type: text\n".length;
    expect(error.problems).toEqual([{ line, column: before + 1, path: "", messageKey: "admin:survey-file-too-large", values: { maximum: 1024 } }]);
  });

  it("refuses the same key twice, naming its line", async () => {
    const error = await importError(EXAMPLE);
    expect(error.problems).toEqual([
      { line: 6, column: 6, path: "key", messageKey: "admin:survey-file-key-exists", values: { key: "dorfentwicklung-hammah-2027", id: expect.any(Number) } },
    ]);
    expect(error.message).toContain(`${EXAMPLE}:6:6: key: admin:survey-file-key-exists`);
  });

  it("names the line of a wrong item and imports nothing", async () => {
    const before = await testDb.db.prisma.survey.count();
    const path = write(
      "wrong.yaml",
      `key: wrong
title: { de: Falsch }
intro: { de: Falsch }
closes: 2027-02-07T23:59:00+01:00
questions:
  - type: single
    text: { de: Eins }
    options:
      - { de: A }
      - { de: B }
  - type: multiple
    text: { de: Zwei }
    max: 5
    options:
      - { de: A }
      - { fr: B }
  - type: slider
    text: { de: Drei }
`,
    );
    const error = await importError(path);
    expect(error.problems.map((p) => `${p.line} ${p.path} ${p.messageKey}`)).toEqual([
      "16 questions[1].options[1].de admin:survey-file-missing",
      "16 questions[1].options[1] admin:survey-file-unknown-key",
      "17 questions[2].type admin:survey-file-choice-unknown",
    ]);
    expect(error.message).toContain(`${path}:16:`);
    expect(await testDb.db.prisma.survey.count()).toBe(before);
  });

  it("reports cross-field problems and an unknown area at their lines", async () => {
    const picks = await importError(
      write("picks.yaml", VALID.replace("key: small", "key: picks") + "  - type: multiple\n    text: { de: M }\n    max: 4\n    options: [{ de: A }, { de: B }]\n"),
    );
    expect(picks.problems).toEqual([
      expect.objectContaining({ path: "questions[1].max", line: 10, messageKey: "admin:survey-file-max-above-choices", values: { max: 4, count: 2 } }),
    ]);
    const area = await importError(write("area.yaml", VALID.replace("key: small", "key: area\narea: atlantis")));
    expect(area.problems[0]).toMatchObject({ path: "area", line: 2, messageKey: "admin:survey-file-area-unknown", values: { area: "atlantis" } });
    expect(area.problems[0]!.values["known"]).toContain("hammah");
    const dates = await importError(write("dates.yaml", VALID.replace("key: small", "key: dates\nopens: 2027-03-01T00:00:00+01:00")));
    expect(dates.problems[0]).toMatchObject({ path: "closes", line: 5, messageKey: "admin:survey-file-closes-before-opens" });
    const missing = await importError(write("missing.yaml", VALID.replace("closes: 2027-02-07T23:59:00+01:00\n", "")));
    expect(missing.problems[0]).toMatchObject({ path: "closes", messageKey: "admin:survey-file-missing" });
  });

  it("reports YAML syntax errors with their line", async () => {
    const error = await importError(write("syntax.yaml", "key: x\ntitle: { de: [ }\n"));
    expect(error.problems[0]).toMatchObject({ line: 2, column: 16, messageKey: "admin:survey-file-yaml-invalid", values: { code: "BAD_INDENT" } });
  });
});

describe("survey export", () => {
  it("writes anonymous responses without any identity, as CSV and JSON", async () => {
    const survey = await importSurveyFile(write("export.yaml", VALID.replace("key: small", "key: export")), deps);
    const prisma = testDb.db.prisma;
    const resident = await prisma.resident.create({ data: {} });
    await deps.unitOfWork.run(() => deps.surveys.submit(survey, resident.id, { "0": { value: 1 } }, false, new Date("2027-01-20T10:11:12Z")));
    const csv = await exportSurvey(survey.id, "csv", deps);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe("response;submitted_at;1. Ja?");
    // Exactly response id, day and answer: no column for who answered.
    expect(lines[1]).toMatch(/^[0-9a-f-]{36};2027-01-20T00:00:00.000Z;ja$/);
    const json = JSON.parse(await exportSurvey(survey.id, "json", deps)) as { responses: Record<string, unknown>[] };
    expect(Object.keys(json.responses[0]!).sort()).toEqual(["answers", "id", "submittedAt"]);
    expect(json.responses[0]!["answers"]).toEqual({ "1": "ja" });
  });

  it("includes the resident of a named survey and defuses spreadsheet formulas", async () => {
    const survey = await importSurveyFile(
      write("named.yaml", VALID.replace("key: small", "key: named\nanonymous: false") + "  - type: text\n    text: { de: Text }\n"),
      deps,
    );
    const resident = await testDb.db.prisma.resident.create({ data: {} });
    await deps.unitOfWork.run(() => deps.surveys.submit(survey, resident.id, { "0": { value: 0 }, "1": { text: "=HYPERLINK(1)" } }, false, new Date()));
    const csv = await exportSurvey(survey.id, "csv", deps, { delimiter: "," });
    expect(csv.split("\r\n")[0]).toBe("\uFEFFresponse,submitted_at,resident,1. Ja?,2. Text");
    expect(csv).toContain(`,${resident.id},nein,'=HYPERLINK(1)`);
  });

  it("writes UTF-8 with a byte-order mark that parses back, with values holding the delimiter, quotes and line breaks", async () => {
    const survey = await importSurveyFile(write("tricky.yaml", VALID.replace("key: small", "key: tricky") + "  - type: text\n    text: { de: Text }\n"), deps);
    const hard = 'Mehr Bänke; "bitte", danke\nund Licht';
    const resident = await testDb.db.prisma.resident.create({ data: {} });
    await deps.unitOfWork.run(() => deps.surveys.submit(survey, resident.id, { "0": { value: 1 }, "1": { text: hard } }, false, new Date()));
    for (const delimiter of [";", ",", "\t"] as const) {
      const bytes = new TextEncoder().encode(await exportSurvey(survey.id, "csv", deps, { delimiter }));
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(withoutBom(bytes), delimiter);
      expect(rows[0]).toEqual(["response", "submitted_at", "1. Ja?", "2. Text"]);
      expect(rows[1]!.slice(2)).toEqual(["ja", hard]);
    }
  });
});
