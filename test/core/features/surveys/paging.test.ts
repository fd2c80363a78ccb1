import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Survey } from "../../../../src/core/model/survey.js";
import { PAGE_CHARS } from "../../../../src/core/render/pager.js";
import { NO_BUTTONS } from "../../../support/core-harness.js";
import { createSurveyHarness, type Person, type SurveyHarness } from "./survey-harness.js";

/** Telegram refuses longer text messages. */
const TELEGRAM_TEXT = 4_096;

let sh: SurveyHarness;
let survey: Survey;
const admin: Person = { channel: "telegram", userId: "9100" };
const terminalAdmin: Person = { channel: "console", userId: "9100-console" };
/** Ten distinct 500-character free texts, each starting with its own marker. */
const TEXTS = Array.from({ length: 10 }, (_, i) => `Text${String(i).padStart(2, "0")} ${"Mehr Radwege und Bänke am Teich. ".repeat(20)}`.slice(0, 500));
const markersIn = (text: string) => [...text.matchAll(/Text(\d\d) /g)].map((m) => Number(m[1]));

beforeAll(async () => {
  sh = await createSurveyHarness();
  await sh.grantAdmin(`telegram:${admin.userId}`);
  await sh.grantAdmin(`console:${terminalAdmin.userId}`);
  await sh.h.onboard(admin, { locale: "de" });
  await sh.h.onboard(terminalAdmin, { locale: "en" });
  survey = await sh.addOpenSurvey({
    questions: [{ type: "text", text: { de: "Was wünschen Sie sich?", en: "What would you like?" }, required: true, maxLength: 4_000 }],
  });
  for (const [index, text] of TEXTS.entries()) {
    const voter: Person = { channel: "telegram", userId: `91${String(index).padStart(2, "0")}0` };
    await sh.h.onboard(voter, { locale: "de" });
    await sh.h.press(voter, `surveys:start:${survey.id}`);
    await sh.h.send(voter, text);
    const sent = await sh.h.press(voter, `surveys:send:${survey.id}`);
    expect(sent[0]!.text).toContain("gezählt");
  }
});
afterAll(async () => sh.h.dispose());

describe("survey results with many long free texts", () => {
  it("come in pages within the budget; next and previous walk them all, each text exactly once", async () => {
    const first = await sh.h.send(admin, `/survey_results ${survey.id}`);
    for (const reply of first) expect(reply.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT);
    let page = first.at(-1)!;
    expect(page.text).toContain("Freitexte: Testumfrage (10 Antworten)");
    const pageCount = Number(/Seite 1 von (\d+)/.exec(page.text)![1]);
    expect(pageCount).toBeGreaterThanOrEqual(2);

    const seen: number[] = [];
    const pages: string[] = [];
    for (let n = 1; ; n += 1) {
      expect(page.text.length).toBeLessThanOrEqual(PAGE_CHARS);
      expect(page.text).toContain(`Seite ${n} von ${pageCount}`);
      expect(page.text).toContain("1. Was wünschen Sie sich?");
      pages.push(page.text);
      seen.push(...markersIn(page.text));
      const next = page.choices.find((c) => c.label === "Weiter ›");
      if (!next) break;
      page = (await sh.h.press(admin, next.action))[0]!;
      // Only the page comes again, not the overview.
      expect(page.text).not.toContain("Teilnahmen");
    }
    expect(pages).toHaveLength(pageCount);
    expect(seen.sort((a, b) => a - b)).toEqual(TEXTS.map((_, i) => i));

    const previous = page.choices.find((c) => c.label === "‹ Zurück")!;
    const back = (await sh.h.press(admin, previous.action))[0]!;
    expect(back.text).toBe(pages.at(-2));
  });

  it("walk by number in the terminal, where there are no buttons", async () => {
    const first = await sh.h.send(terminalAdmin, `/survey_results ${survey.id}`, NO_BUTTONS);
    let page = first.at(-1)!;
    const pageCount = Number(/Page 1 of (\d+)/.exec(page.text)![1]);
    const seen: number[] = [];
    for (let n = 1; n <= pageCount; n += 1) {
      expect(page.text).toContain(`Page ${n} of ${pageCount}`);
      seen.push(...markersIn(page.text));
      const next = page.choices.findIndex((c) => c.label === "Next ›");
      if (next < 0) break;
      page = (await sh.h.send(terminalAdmin, String(next + 1), NO_BUTTONS))[0]!;
    }
    expect(seen.sort((a, b) => a - b)).toEqual(TEXTS.map((_, i) => i));
    const previous = page.choices.findIndex((c) => c.label === "‹ Previous");
    const back = (await sh.h.send(terminalAdmin, String(previous + 1), NO_BUTTONS))[0]!;
    expect(back.text).toContain(`Page ${pageCount - 1} of ${pageCount}`);
  });

  it("answer a page number the list no longer has with its last page", async () => {
    const r = await sh.h.press(admin, `surveys:atp:${survey.id}:99`);
    expect(r[0]!.text).toMatch(/Die Liste hat sich inzwischen geändert; hier ist Seite (\d+) von \1\./);
    expect(r[0]!.choices.map((c) => c.label)).toEqual(["‹ Zurück"]);
  });

  it("are refused page by page to residents", async () => {
    const resident: Person = { channel: "telegram", userId: "91000" };
    const r = await sh.h.press(resident, `surveys:atp:${survey.id}:2`);
    expect(r[0]!.text).toContain("dürfen nur Administratorinnen");
  });
});

describe("a 4,000-character answer", () => {
  const long = `Anfang ${"Wir brauchen einen Treffpunkt für alle Generationen. ".repeat(80)}`.slice(0, 3_989) + " ENDE-MARKE";
  const anna: Person = { channel: "telegram", userId: "9200" };

  it("is shortened in the confirmation, which fits, and stored whole", async () => {
    expect(long).toHaveLength(4_000);
    await sh.h.onboard(anna, { locale: "de" });
    await sh.h.press(anna, `surveys:start:${survey.id}`);
    const summary = (await sh.h.send(anna, long))[0]!;
    expect(summary.text).toContain("Ihre Antworten");
    expect(summary.text.length).toBeLessThanOrEqual(PAGE_CHARS);
    expect(summary.text).toContain("… (4.000 Zeichen)");
    expect(summary.text).not.toContain("ENDE-MARKE");
    const sent = await sh.h.press(anna, `surveys:send:${survey.id}`);
    expect(sent[0]!.text).toContain("gezählt");
    const stored = await sh.h.db.prisma.surveyAnswer.findMany({ where: { text: { contains: "ENDE-MARKE" } } });
    expect(stored.map((a) => a.text)).toEqual([long]);
  });

  it("is shortened in the results list and readable whole on its own", async () => {
    const r = await sh.h.send(admin, `/survey_results ${survey.id}`);
    const pages = [r.at(-1)!];
    for (let next = pages[0]!.choices.find((c) => c.label === "Weiter ›"); next; next = pages.at(-1)!.choices.find((c) => c.label === "Weiter ›")) {
      pages.push((await sh.h.press(admin, next.action))[0]!);
    }
    const withLong = pages.find((p) => p.text.includes("Anfang Wir brauchen"))!;
    expect(withLong.text).toContain("(4.000 Zeichen)");
    expect(withLong.text).not.toContain("ENDE-MARKE");
    const read = withLong.choices.find((c) => c.label.startsWith("Ganz lesen"))!;
    const whole = (await sh.h.press(admin, read.action))[0]!;
    expect(whole.text).toContain(long);
    expect(whole.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT);
  });

  it("keeps the confirmation of a survey with fifty long answers within the budget", async () => {
    const many = await sh.addOpenSurvey({
      questions: Array.from({ length: 50 }, (_, i) => ({
        type: "text" as const,
        text: { de: `Frage ${i + 1}: ${"Was halten Sie von diesem Vorschlag? ".repeat(4)}` },
        required: true,
        maxLength: 4_000,
      })),
    });
    const bert: Person = { channel: "telegram", userId: "9201" };
    await sh.h.onboard(bert, { locale: "de" });
    let r = await sh.h.press(bert, `surveys:start:${many.id}`);
    for (let i = 0; i < 50; i += 1) r = await sh.h.send(bert, `Antwort ${i} ${"x".repeat(3_000)}`);
    const summary = r[0]!;
    expect(summary.text).toContain("Sollen diese Antworten gesendet werden?");
    expect(summary.text.length).toBeLessThanOrEqual(PAGE_CHARS);
    expect(summary.text).toContain("50. Frage 50");
    expect(summary.text).toContain("(3.010 Zeichen)");
  });
});
