import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSurveyResults } from "../../src/admin/survey-commands.js";
import { renderBarChart, renderBarChartSvg } from "../../src/charts/bar-chart.js";
import type { Survey } from "../../src/core/model/survey.js";
import type { SurveyStore } from "../../src/core/ports/survey-store.js";
import { createTranslator } from "../../src/i18n/translator.js";
import type { TranslationValues, Translator } from "../../src/core/ports/translator.js";
import { createPrismaAccess, type PrismaAccess } from "../../src/storage/prisma-access.js";
import { createSurveyStore } from "../../src/storage/stores/survey-store.js";
import { decodePng } from "../charts/decode-png.js";
import { parseCsv, withoutBom } from "../support/parse-csv.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { ALL_TYPES } from "../core/features/surveys/survey-harness.js";

let testDb: TestDatabase;
let access: PrismaAccess;
let store: SurveyStore;
let translator: Translator;
let survey: Survey;
const charts = { render: renderBarChart, renderSvg: renderBarChartSvg };

beforeAll(async () => {
  testDb = await createTestDatabase();
  access = createPrismaAccess(testDb.db.prisma);
  store = createSurveyStore(access);
  translator = await createTranslator();
  survey = await access.run(async () => {
    const created = await store.create({
      key: "files",
      title: { de: "Dorfumfrage; 2027", en: "Village survey" },
      intro: { de: "Intro" },
      areaId: null,
      opensAt: null,
      closesAt: new Date("2030-01-01T00:00:00Z"),
      anonymous: true,
      allowChange: false,
      liveResults: false,
      questions: ALL_TYPES,
    });
    return (await store.setStatus(created.id, "open"))!;
  });
  const ballots = [
    { "0": { picks: [0] }, "1": { picks: [0, 1] }, "2": { value: 5 }, "3": { value: 1 }, "4": { text: "Mehr Bänke" } },
    { "0": { picks: [0] }, "1": { picks: [2] }, "2": { value: 4 }, "3": { skipped: true }, "4": { text: "Ein Laden" } },
    { "0": { picks: [], other: "Kino" }, "1": { picks: [0] }, "2": { value: 3 }, "3": { value: 0 }, "4": { text: "Licht" } },
  ];
  for (const answers of ballots) {
    const resident = await testDb.db.prisma.resident.create({ data: {} });
    await access.run(() => store.submit(survey, resident.id, answers, false, new Date()));
  }
  // One free text published, as an admin would with /survey_publish_text.
  const results = await access.run(() => store.results(survey));
  const text = results.questions.at(-1)!.texts.find((t) => t.text === "Licht")!;
  await access.run(() => store.publishText(text.answerId));
});
afterAll(async () => testDb.dispose());

describe("survey results as files", () => {
  it("writes per question a PNG and SVG chart and a CSV, and one Markdown file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mitreden-results-"));
    const t = (key: string, values?: TranslationValues) => translator.t("de", key, values);
    const paths = await writeSurveyResults(survey.id, dir, { surveys: store, unitOfWork: access, locale: "de", t, charts });
    const names = [1, 2, 3, 4].flatMap((n) => ["png", "svg", "csv"].map((ext) => `survey-${survey.id}-q${n}.${ext}`));
    expect(paths).toEqual([...names, `survey-${survey.id}-results.md`].map((n) => join(dir, n)));
    expect(readdirSync(dir).sort()).toEqual([...names, `survey-${survey.id}-results.md`].sort());

    // The PNG is the chart the messengers send, byte for byte ("67 %" with the German no-break space).
    const percent = new Intl.NumberFormat("de", { style: "percent", maximumFractionDigits: 0 });
    const png = readFileSync(join(dir, `survey-${survey.id}-q1.png`));
    const sent = await renderBarChart({ title: "Was fehlt?", bars: [{ label: "Bäcker", count: 2 }, { label: "Arzt", count: 0 }, { label: "Bus", count: 0 }, { label: "Sonstiges", count: 1 }], valueLabel: (bar) => `${bar.count} (${percent.format(bar.count / 3)})`, locale: "de" });
    expect(decodePng(png).width).toBe(decodePng(sent).width);
    expect(Buffer.compare(png, Buffer.from(sent))).toBe(0);
    const svg = readFileSync(join(dir, `survey-${survey.id}-q1.svg`), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Bäcker");
    expect(svg).toContain(`2 (${percent.format(2 / 3)})`);

    const csv = parseCsv(withoutBom(readFileSync(join(dir, `survey-${survey.id}-q2.csv`))), ";");
    expect(csv).toEqual([
      ["Antwort", "Anzahl", "Anteil (%)"],
      ["Radwege", "2", "66,7"],
      ["Spielplatz", "1", "33,3"],
      ["Licht", "1", "33,3"],
      ["Sonstiges", "0", "0"],
      ["Haben diese Frage beantwortet", "3", ""],
    ]);

    const md = readFileSync(join(dir, `survey-${survey.id}-results.md`), "utf8");
    expect(md.split("\n")[0]).toContain("Dorfumfrage; 2027");
    expect(md).toContain("## 1. Was fehlt?");
    expect(md).toContain(`| Bäcker | 2 | ${percent.format(2 / 3)} |`);
    expect(md).toContain("## 4. Ins Dorffest?");
    expect(md).toContain(`| Ja | 1 | ${percent.format(0.5)} |`);
    expect(md).toContain(`![Was fehlt?](survey-${survey.id}-q1.png)`);
    // Only the free text an admin published appears.
    expect(md).toContain("- Licht");
    expect(md).not.toContain("Mehr Bänke");
  });

  it("uses another delimiter when asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mitreden-results-"));
    const t = (key: string, values?: TranslationValues) => translator.t("en", key, values);
    await writeSurveyResults(survey.id, dir, { surveys: store, unitOfWork: access, locale: "en", t, charts, delimiter: "," });
    const csv = parseCsv(withoutBom(readFileSync(join(dir, `survey-${survey.id}-q3.csv`))), ",");
    expect(csv[0]).toEqual(["Answer", "Count", "Share (%)"]);
    expect(csv.find((r) => r[0] === "5 – very")).toEqual(["5 – very", "1", "33.3"]);
  });

  it("refuses an unknown survey", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mitreden-results-"));
    const t = (key: string) => key;
    await expect(writeSurveyResults(999_999, dir, { surveys: store, unitOfWork: access, locale: "de", t, charts })).rejects.toMatchObject({ key: "admin:survey-unknown" });
  });
});
