import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { describeSurveyFileError, explainIssue, parseSurveyFile, SURVEY_TEXT_MAXIMA, SurveyFileError, toNewSurvey } from "../../src/admin/survey-file.js";
import type { Turn } from "../../src/core/conversation/turn.js";
import { questionMessage } from "../../src/core/features/surveys/question-view.js";
import { announcement } from "../../src/core/features/surveys/survey-announcement.js";
import type { Survey } from "../../src/core/model/survey.js";
import type { TranslationValues } from "../../src/core/ports/translator.js";
import type { Locale } from "../../src/core/model/locale.js";
import { htmlToPlain, numberedChoiceLines } from "../../src/core/render/plain-text.js";
import { createTranslator } from "../../src/i18n/translator.js";
import { minimalSurveyFile } from "./minimal-survey-file.js";

const FILE = "umfrage.yaml";
const missingKeys: string[] = [];
let render: (error: SurveyFileError, locale: Locale) => string[];

beforeAll(async () => {
  const translator = await createTranslator({ onMissingKey: (locale, key) => missingKeys.push(`${locale}:${key}`) });
  render = (error, locale) => describeSurveyFileError(error, (key, values) => htmlToPlain(translator.t(locale, key, values))).split("\n");
});

/** The admin's lines for a broken file, in both languages. */
function problems(source: string): { de: string[]; en: string[] } {
  let error: unknown;
  try {
    parseSurveyFile(source, FILE);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof SurveyFileError)) throw new Error(`expected a SurveyFileError, got ${String(error)}`);
  const lines = { de: render(error, "de"), en: render(error, "en") };
  expect(missingKeys).toEqual([]);
  return lines;
}

/** The admin's lines for one zod issue the schema itself cannot produce today. */
function explained(issue: z.core.$ZodIssue): { de: string[]; en: string[] } {
  const error = new SurveyFileError(
    FILE,
    explainIssue(issue).map((p) => ({ line: 1, column: 1, path: "x", messageKey: p.messageKey, values: p.values })),
  );
  const lines = { de: render(error, "de"), en: render(error, "en") };
  expect(missingKeys).toEqual([]);
  return lines;
}

const VALID = minimalSurveyFile("klein");

describe("survey file problems in the admin's language", () => {
  it("names a wrong kind of value in words", () => {
    expect(problems(VALID.replace("key: klein", "key: 5"))).toEqual({
      de: ["umfrage.yaml:1:6: key: Falsche Art von Wert: erwartet Text, gefunden ganze Zahl."],
      en: ["umfrage.yaml:1:6: key: Wrong kind of value: expected text, found whole number."],
    });
    const source = VALID + "  - type: text\n    text: { de: T }\n    maxLength: 2.5\n    required: ja\n  - nur Text\n";
    expect(problems(source)).toEqual({
      de: [
        "umfrage.yaml:10:16: questions[1].maxLength: Falsche Art von Wert: erwartet ganze Zahl, gefunden Kommazahl.",
        "umfrage.yaml:11:15: questions[1].required: Falsche Art von Wert: erwartet Ja/Nein (true/false), gefunden Text.",
        "umfrage.yaml:12:5: questions[2]: Falsche Art von Wert: erwartet Abschnitt mit Schlüsseln (name: …), gefunden Text.",
      ],
      en: [
        "umfrage.yaml:10:16: questions[1].maxLength: Wrong kind of value: expected whole number, found decimal number.",
        "umfrage.yaml:11:15: questions[1].required: Wrong kind of value: expected yes/no (true/false), found text.",
        "umfrage.yaml:12:5: questions[2]: Wrong kind of value: expected section with keys (name: …), found text.",
      ],
    });
    expect(problems("- a\n")).toEqual({
      de: ["umfrage.yaml:1:1: Falsche Art von Wert: erwartet Abschnitt mit Schlüsseln (name: …), gefunden Liste (- …)."],
      en: ["umfrage.yaml:1:1: Wrong kind of value: expected section with keys (name: …), found list (- …)."],
    });
    expect(problems(VALID.replace("questions:\n  - type: yesno\n    text: { de: Ja? }\n", "questions:\n"))).toEqual({
      de: ["umfrage.yaml:5:11: questions: Falsche Art von Wert: erwartet Liste (- …), gefunden nichts (leerer Wert)."],
      en: ["umfrage.yaml:5:11: questions: Wrong kind of value: expected list (- …), found nothing (empty value)."],
    });
  });

  it("says which entry is missing", () => {
    expect(problems(VALID.replace("closes: 2027-02-07T23:59:00+01:00\n", ""))).toEqual({
      de: ["umfrage.yaml:1:1: closes: Diese Angabe fehlt; sie ist Pflicht."],
      en: ["umfrage.yaml:1:1: closes: This entry is missing; it is required."],
    });
  });

  it("explains a date and time with an example", () => {
    expect(problems(VALID.replace("closes: 2027-02-07T23:59:00+01:00", "closes: 2027-02-07\nopens: 2027"))).toEqual({
      de: [
        "umfrage.yaml:4:9: closes: Erwartet wird ein Zeitpunkt mit Zeitzone wie 2026-12-01T08:00:00+01:00, hier „2027-02-07“.",
        "umfrage.yaml:5:8: opens: Erwartet wird ein Zeitpunkt mit Zeitzone wie 2026-12-01T08:00:00+01:00, gefunden ganze Zahl.",
      ],
      en: [
        "umfrage.yaml:4:9: closes: Expected a date and time with time zone offset such as 2026-12-01T08:00:00+01:00, here “2027-02-07”.",
        "umfrage.yaml:5:8: opens: Expected a date and time with time zone offset such as 2026-12-01T08:00:00+01:00, found whole number.",
      ],
    });
  });

  it("explains the format of the survey key", () => {
    expect(problems(VALID.replace("key: klein", "key: Dorf Umfrage"))).toEqual({
      de: ["umfrage.yaml:1:6: key: „Dorf Umfrage“ ist kein gültiger Schlüssel: Verwenden Sie 2 bis 63 Kleinbuchstaben, Ziffern und Bindestriche, am Anfang keinen Bindestrich."],
      en: ["umfrage.yaml:1:6: key: “Dorf Umfrage” is not a valid key: use 2 to 63 lower-case letters, digits and hyphens, not starting with a hyphen."],
    });
  });

  it("reports empty texts and lists with too few or too many entries", () => {
    const source = VALID.replace("{ de: Klein }", "{ de: '  ' }") + "  - type: single\n    text: { de: E }\n    options: [{ de: A }]\n";
    expect(problems(source)).toEqual({
      de: [
        "umfrage.yaml:2:14: title.de: Der Text darf nicht leer sein.",
        "umfrage.yaml:10:14: questions[1].options: Zu wenige Einträge: mindestens 2, hier 1.",
      ],
      en: [
        "umfrage.yaml:2:14: title.de: The text must not be empty.",
        "umfrage.yaml:10:14: questions[1].options: Too few entries: at least 2, here 1.",
      ],
    });
    const many = VALID + "  - { type: yesno, text: { de: J } }\n".repeat(50);
    expect(problems(many)).toEqual({
      de: ["umfrage.yaml:6:3: questions: Zu viele Einträge: höchstens 50, hier 51."],
      en: ["umfrage.yaml:6:3: questions: Too many entries: at most 50, here 51."],
    });
  });

  it("reports numbers below or above their range", () => {
    const source = VALID + "  - { type: text, text: { de: T }, maxLength: 5000 }\n  - { type: single, text: { de: E }, options: [{ de: A }, { de: B }], maxLength: 0 }\n";
    expect(problems(source)).toEqual({
      de: [
        "umfrage.yaml:8:47: questions[1].maxLength: Zu groß: höchstens 4000, hier 5000.",
        "umfrage.yaml:9:82: questions[2].maxLength: Zu klein: mindestens 1, hier 0.",
      ],
      en: [
        "umfrage.yaml:8:47: questions[1].maxLength: Too large: at most 4000, here 5000.",
        "umfrage.yaml:9:82: questions[2].maxLength: Too small: at least 1, here 0.",
      ],
    });
  });

  it("points at each unknown key on its own line", () => {
    expect(problems(VALID.replace("{ de: Klein }", "{ de: Klein, fr: Petit }").replace("key: klein", "key: klein\nfarbe:\n  - blau"))).toEqual({
      de: [
        "umfrage.yaml:2:1: Unbekannter Schlüssel „farbe“. Ist er falsch geschrieben oder steht er an der falschen Stelle?",
        "umfrage.yaml:4:21: title: Unbekannter Schlüssel „fr“. Ist er falsch geschrieben oder steht er an der falschen Stelle?",
      ],
      en: [
        "umfrage.yaml:2:1: Unknown key “farbe”. Is it misspelt or in the wrong place?",
        "umfrage.yaml:4:21: title: Unknown key “fr”. Is it misspelt or in the wrong place?",
      ],
    });
  });

  it("lists the question types when one is unknown or missing", () => {
    expect(problems(VALID + "  - type: slider\n    text: { de: S }\n  - text: { de: T }\n")).toEqual({
      de: [
        "umfrage.yaml:8:11: questions[1].type: „slider“ ist hier nicht möglich. Möglich sind: single, multiple, scale, yesno, text",
        "umfrage.yaml:10:5: questions[2].type: Die Angabe „type“ fehlt. Möglich sind: single, multiple, scale, yesno, text",
      ],
      en: [
        "umfrage.yaml:8:11: questions[1].type: “slider” is not possible here. Possible: single, multiple, scale, yesno, text",
        "umfrage.yaml:10:5: questions[2].type: “type” is missing. Possible: single, multiple, scale, yesno, text",
      ],
    });
  });

  it("explains the cross-field checks, each with its own text", () => {
    const source =
      VALID.replace("key: klein", "key: klein\nopens: 2027-03-01T00:00:00+01:00") +
      "  - type: multiple\n    text: { de: M }\n    max: 4\n    min: 5\n    options: [{ de: A }, { de: B }]\n" +
      "  - type: scale\n    text: { de: S }\n    min: 5\n    max: 1\n";
    expect(problems(source)).toEqual({
      de: [
        "umfrage.yaml:5:9: closes: Das Ende (closes) muss nach dem Beginn (opens: 2027-03-01T00:00:00+01:00) liegen.",
        "umfrage.yaml:11:10: questions[1].max: max ist 4, es gibt aber nur 2 Auswahlmöglichkeiten.",
        "umfrage.yaml:12:10: questions[1].min: min ist 5, gewählt werden können aber höchstens 4.",
        "umfrage.yaml:17:10: questions[2].max: Eine Skala braucht max größer als min und höchstens 11 Stufen; hier 5 bis 1.",
      ],
      en: [
        "umfrage.yaml:5:9: closes: The end (closes) must be after the start (opens: 2027-03-01T00:00:00+01:00).",
        "umfrage.yaml:11:10: questions[1].max: max is 4, but there are only 2 choices.",
        "umfrage.yaml:12:10: questions[1].min: min is 5, but at most 4 can be picked.",
        "umfrage.yaml:17:10: questions[2].max: A scale needs max greater than min and at most 11 steps; here 5 to 1.",
      ],
    });
  });

  it("reports YAML syntax errors with their code and a duplicate key by name", () => {
    expect(problems("key: x\ntitle: { de: [ }\n")).toEqual({
      de: [
        "umfrage.yaml:2:16: Die Datei ist kein gültiges YAML (BAD_INDENT). Prüfen Sie Einrückung, Klammern und Anführungszeichen an dieser Stelle.",
        "umfrage.yaml:2:17: Die Datei ist kein gültiges YAML (BAD_INDENT). Prüfen Sie Einrückung, Klammern und Anführungszeichen an dieser Stelle.",
      ],
      en: [
        "umfrage.yaml:2:16: The file is not valid YAML (BAD_INDENT). Check the indentation, brackets and quotes at this place.",
        "umfrage.yaml:2:17: The file is not valid YAML (BAD_INDENT). Check the indentation, brackets and quotes at this place.",
      ],
    });
    expect(problems(VALID.replace("intro: { de: Kurz }", "intro:\n  de: Kurz\n  de: Lang"))).toEqual({
      de: ["umfrage.yaml:5:3: Der Schlüssel „de“ steht hier zum zweiten Mal; jeder Schlüssel darf nur einmal vorkommen."],
      en: ["umfrage.yaml:5:3: The key “de” appears here a second time; each key may appear only once."],
    });
    expect(problems(VALID.replace("intro: { de: Kurz }", "intro: *einleitung"))).toEqual({
      de: ["umfrage.yaml:3:8: Ein Verweis (*name) hat keinen passenden Anker (&name) davor oder wird zu oft verwendet."],
      en: ["umfrage.yaml:3:8: An alias (*name) has no matching anchor (&name) before it, or is used too often."],
    });
  });

  it("keeps the file's values out of the markup", () => {
    expect(problems(VALID.replace("key: klein", "key: '<b>&amp;</b>'")).en).toEqual([
      "umfrage.yaml:1:6: key: “<b>&amp;</b>” is not a valid key: use 2 to 63 lower-case letters, digits and hyphens, not starting with a hyphen.",
    ]);
  });
});

describe("bounds of a survey file", () => {
  /** A survey whose every text is `extra` characters longer than allowed (0: exactly at the maximum). */
  function atTheLimits(extra: number): string {
    const long = (maximum: number, letter: string) => letter.repeat(maximum + extra);
    const m = SURVEY_TEXT_MAXIMA;
    return `key: grenzen
title: { de: ${long(m.title, "T")}, en: ${long(m.title, "t")} }
intro: { de: ${long(m.intro, "I")} }
closes: 2027-02-07T23:59:00+01:00
questions:
  - type: single
    text: { de: ${long(m.question, "F")} }
    options:
      - { de: ${long(m.option, "A")} }
      - { de: B }
  - type: scale
    text: { de: Wie sehr? }
    labels: { min: { de: ${long(m.scaleLabel, "N")} }, max: { de: viel } }
`;
  }

  it("accepts every text at its maximum", () => {
    const { parsed } = parseSurveyFile(atTheLimits(0), FILE);
    expect(parsed.title.de).toHaveLength(150);
    expect(parsed.intro.de).toHaveLength(1_500);
    expect(parsed.questions[0]!.text.de).toHaveLength(500);
  });

  it("refuses every text one character over its maximum, each at its own line and column", () => {
    expect(SURVEY_TEXT_MAXIMA).toEqual({ title: 150, intro: 1_500, question: 500, option: 150, scaleLabel: 80 });
    expect(problems(atTheLimits(1)).en).toEqual([
      "umfrage.yaml:2:14: title.de: The text is too long: at most 150 characters, here 151.",
      "umfrage.yaml:2:171: title.en: The text is too long: at most 150 characters, here 151.",
      "umfrage.yaml:3:14: intro.de: The text is too long: at most 1500 characters, here 1501.",
      "umfrage.yaml:7:17: questions[0].text.de: The text is too long: at most 500 characters, here 501.",
      "umfrage.yaml:9:15: questions[0].options[0].de: The text is too long: at most 150 characters, here 151.",
      "umfrage.yaml:13:26: questions[1].labels.min.de: The text is too long: at most 80 characters, here 81.",
    ]);
    expect(problems(atTheLimits(1)).de[0]).toBe("umfrage.yaml:2:14: title.de: Der Text ist zu lang: höchstens 150 Zeichen, hier 151.");
  });

  it("keeps the largest survey a file allows within one Telegram message wherever it is shown", async () => {
    const m = SURVEY_TEXT_MAXIMA;
    const both = (maximum: number, letter: string) => `{ de: ${letter.repeat(maximum)}, en: ${letter.toLowerCase().repeat(maximum)} }`;
    const options = Array.from({ length: 20 }, (_, i) => `      - ${both(m.option, String.fromCharCode(65 + i))}`).join("\n");
    const question = `  - type: multiple\n    text: ${both(m.question, "F")}\n    required: false\n    other: true\n    options:\n${options}\n`;
    const source = `key: riesig\ntitle: ${both(m.title, "T")}\nintro: ${both(m.intro, "I")}\ncloses: 2027-02-07T23:59:00+01:00\nquestions:\n${question.repeat(50)}`;
    const file = toNewSurvey(parseSurveyFile(source, FILE).parsed, null);
    const survey: Survey = {
      ...file,
      id: 99_999,
      status: "open",
      questions: file.questions.map((q, position) => ({
        id: position + 1,
        position,
        type: q.type,
        text: q.text,
        required: q.required,
        minPicks: q.minPicks ?? null,
        maxPicks: q.maxPicks ?? null,
        scaleMin: null,
        scaleMax: null,
        scaleMinLabel: null,
        scaleMaxLabel: null,
        allowOther: q.allowOther ?? false,
        maxLength: q.maxLength ?? null,
        options: (q.options ?? []).map((label, i) => ({ id: i + 1, position: i, label })),
      })),
    };
    const translator = await createTranslator();
    for (const locale of ["de", "en"] as const) {
      // questionMessage only translates and reads the locale.
      const turn = { locale, t: (key: string, values?: TranslationValues) => translator.t(locale, key, values) } as unknown as Turn;
      const last = questionMessage(turn, survey, survey.questions[49]!, undefined);
      const announced = announcement(translator, locale, survey, "Europe/Berlin");
      for (const message of [last, announced]) {
        // Telegram counts the text after its HTML is parsed; buttons do not count.
        expect(htmlToPlain(message.html).length).toBeLessThanOrEqual(4_096);
        // Matrix and the terminal list the choices as numbered lines under the text.
        expect([htmlToPlain(message.html), ...numberedChoiceLines(message)].join("\n").length).toBeLessThanOrEqual(4_096);
      }
    }
  });

  it("refuses a huge question within the file limit at its line and column", () => {
    const source = `${VALID}  - type: text\n    text:\n      de: ${"Warum? ".repeat(100_000)}x\n`;
    expect(problems(source).en).toEqual(["umfrage.yaml:10:11: questions[1].text.de: The text is too long: at most 500 characters, here 700001."]);
  });

  it("drops a NUL and other invisible control characters from every text without a word", () => {
    const source = VALID.replace("title: { de: Klein }", 'title: { de: "Kl\\0ein\\u0007", en: "Sm\\u0000all" }').replace(
      "text: { de: Ja? }",
      'text: { de: "Ja\\u200B?" }\n    required: false',
    );
    const { parsed } = parseSurveyFile(source, FILE);
    expect(parsed.title).toEqual({ de: "Klein", en: "Small" });
    // A zero-width space is a character of its own, not a control: it stays.
    expect(parsed.questions[0]!.text.de).toBe("Ja\u200B?");
  });

  it("refuses an alias bomb before expanding it", () => {
    let bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (let i = 1; i <= 9; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
    expect(problems(VALID + bomb)).toEqual({
      de: ["umfrage.yaml:12:10: Verweise (*name) und Zusammenführungen (<<) würden bis hierher mehr als 10000 Werte wiederholen; eine Umfragedatei braucht weit weniger. Schreiben Sie die Einträge aus oder verwenden Sie weniger Verweise."],
      en: ["umfrage.yaml:12:10: Aliases (*name) and merges (<<) up to here would repeat more than 10000 values; a survey file needs far fewer. Write the entries out or use fewer aliases."],
    });
  });

  it("refuses a merge-key bomb before merging it, in YAML 1.1 where << merges", () => {
    let bomb = "m0: &m0 { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9 }\n";
    for (let i = 1; i <= 9; i++) bomb += `m${i}: &m${i} { <<: [${Array(9).fill(`*m${i - 1}`).join(", ")}] }\n`;
    expect(problems(`%YAML 1.1\n---\n${VALID}${bomb}`).en).toEqual([
      "umfrage.yaml:13:41: Aliases (*name) and merges (<<) up to here would repeat more than 10000 values; a survey file needs far fewer. Write the entries out or use fewer aliases.",
    ]);
    // One big section merged into many: no repetition of repetitions, just many copies.
    const wide = `m0: &m0 { ${Array.from({ length: 2_000 }, (_, i) => `k${i}: 1`).join(", ")} }\n${Array.from({ length: 20 }, (_, i) => `w${i}: { <<: *m0 }\n`).join("")}`;
    expect(problems(`%YAML 1.1\n---\n${VALID}${wide}`).en).toEqual([
      "umfrage.yaml:13:11: Aliases (*name) and merges (<<) up to here would repeat more than 10000 values; a survey file needs far fewer. Write the entries out or use fewer aliases.",
    ]);
  });

  it("lets a few aliases repeat a scale's labels", () => {
    const source = VALID.replace(
      "  - type: yesno\n    text: { de: Ja? }\n",
      "  - type: scale\n    text: { de: Wie sehr? }\n    labels: &stufen { min: { de: wenig }, max: { de: viel } }\n  - type: scale\n    text: { de: Wie oft? }\n    labels: *stufen\n",
    );
    const { parsed } = parseSurveyFile(source, FILE);
    expect(parsed.questions[1]).toMatchObject({ type: "scale", labels: { min: { de: "wenig" }, max: { de: "viel" } } });
  });

  it("finds a key given twice among thousands", () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `  k${i}: 1`).join("\n");
    expect(problems(`${VALID}extra:\n${many}\n  k7: 2\n`).en).toEqual(["umfrage.yaml:20009:3: The key “k7” appears here a second time; each key may appear only once."]);
  });
});

describe("issues the schema does not raise today", () => {
  const base = { path: ["x"], message: "zod's own English" };

  it("still explains text lengths, exclusive bounds and fixed values", () => {
    expect(explained({ ...base, code: "too_big", origin: "string", maximum: 10, inclusive: true, input: "x".repeat(12) })).toEqual({
      de: ["umfrage.yaml:1:1: x: Der Text ist zu lang: höchstens 10 Zeichen, hier 12."],
      en: ["umfrage.yaml:1:1: x: The text is too long: at most 10 characters, here 12."],
    });
    expect(explained({ ...base, code: "too_small", origin: "string", minimum: 3, inclusive: true, input: "ab" })).toEqual({
      de: ["umfrage.yaml:1:1: x: Der Text ist zu kurz: mindestens 3 Zeichen, hier 2."],
      en: ["umfrage.yaml:1:1: x: The text is too short: at least 3 characters, here 2."],
    });
    expect(explained({ ...base, code: "too_small", origin: "number", minimum: 0, inclusive: false, input: 0 })).toEqual({
      de: ["umfrage.yaml:1:1: x: Zu klein: Der Wert muss größer als 0 sein, hier 0."],
      en: ["umfrage.yaml:1:1: x: Too small: the value must be greater than 0, here 0."],
    });
    expect(explained({ ...base, code: "too_big", origin: "int", maximum: 9, inclusive: false, input: 9 })).toEqual({
      de: ["umfrage.yaml:1:1: x: Zu groß: Der Wert muss kleiner als 9 sein, hier 9."],
      en: ["umfrage.yaml:1:1: x: Too large: the value must be less than 9, here 9."],
    });
    expect(explained({ ...base, code: "invalid_value", values: ["ja", "nein"], input: "vielleicht" })).toEqual({
      de: ["umfrage.yaml:1:1: x: „vielleicht“ ist hier nicht möglich. Möglich sind: ja, nein"],
      en: ["umfrage.yaml:1:1: x: “vielleicht” is not possible here. Possible: ja, nein"],
    });
  });

  it("falls back to a translated 'not valid here', never to zod's English", () => {
    const unknown: z.core.$ZodIssue[] = [
      { ...base, code: "not_multiple_of", divisor: 2, input: 3 },
      { ...base, code: "too_small", origin: "date", minimum: 0, input: new Date(0) },
      { ...base, code: "invalid_type", expected: "date", input: "heute" },
      { ...base, code: "invalid_format", format: "email", input: "anna" },
      { ...base, code: "invalid_union", errors: [], input: 1 },
      { ...base, code: "custom", input: 1 },
      { ...base, code: "custom", params: { messageKey: 42 }, input: 1 },
    ];
    for (const issue of unknown) {
      expect(explained(issue), issue.code).toEqual({
        de: ["umfrage.yaml:1:1: x: Diese Angabe ist hier nicht gültig."],
        en: ["umfrage.yaml:1:1: x: This entry is not valid here."],
      });
    }
  });
});
