import { z } from "zod";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { NewSurvey, NewSurveyQuestion } from "../core/ports/survey-store.js";
import type { LocalizedText } from "../core/model/survey.js";

/** A word put into a problem's text as it is, or `termKey`: an i18n key translated in the admin's language first. */
export type SurveyFileValue = string | number | { readonly termKey: string };

/** One thing wrong with a survey file, with where it is and the i18n key that explains it. */
export interface SurveyFileProblem {
  readonly line: number;
  readonly column: number;
  /** e.g. "questions[2].options" */
  readonly path: string;
  /** e.g. "admin:survey-file-missing" */
  readonly messageKey: string;
  readonly values: Readonly<Record<string, SurveyFileValue>>;
}

/** Turns an i18n key and its values into plain text in the reader's language. */
export type SurveyFileTranslate = (key: string, values?: Record<string, string | number>) => string;

/**
 * A survey file that cannot be imported; nothing of it was stored. Its message names the i18n keys
 * (for logs); people read it through {@link describeSurveyFileError} in their language.
 */
export class SurveyFileError extends Error {
  override readonly name = "SurveyFileError";

  constructor(
    readonly file: string,
    readonly problems: readonly SurveyFileProblem[],
  ) {
    super(problems.map((p) => `${problemPrefix(file, p)}${p.messageKey} ${JSON.stringify(p.values)}`).join("\n"));
  }
}

function problemPrefix(file: string, problem: SurveyFileProblem): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.path ? `${problem.path}: ` : ""}`;
}

/** One "FILE:LINE:COLUMN: path: explanation" line per problem, explained with `translate`. */
export function describeSurveyFileError(error: SurveyFileError, translate: SurveyFileTranslate): string {
  return error.problems
    .map((problem) => {
      const values = Object.fromEntries(
        Object.entries(problem.values).map(([name, value]) => [name, typeof value === "object" ? translate(value.termKey) : value]),
      );
      return problemPrefix(error.file, problem) + translate(problem.messageKey, values);
    })
    .join("\n");
}

/** The example shown wherever a date and time is expected. */
const DATETIME_EXAMPLE = "2026-12-01T08:00:00+01:00";
const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const text = z.string().trim().min(1);
const localizedText = z.strictObject({ de: text, en: text.optional() });
const datetime = z.iso.datetime({ offset: true });
/** Top-level fields holding a date and time: a wrong kind of value there is explained as a date. */
const DATETIME_FIELDS: ReadonlySet<PropertyKey> = new Set(["opens", "closes"]);

const common = { text: localizedText, required: z.boolean().default(true) };
const options = z.array(localizedText).min(2).max(20);
const question = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("single"), ...common, options, other: z.boolean().default(false), maxLength: z.int().min(1).max(2000).optional() }),
  z.strictObject({
    type: z.literal("multiple"),
    ...common,
    options,
    other: z.boolean().default(false),
    maxLength: z.int().min(1).max(2000).optional(),
    min: z.int().min(0).optional(),
    max: z.int().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal("scale"),
    ...common,
    min: z.int().min(-10).max(10).default(1),
    max: z.int().min(-10).max(10).default(5),
    labels: z.strictObject({ min: localizedText.optional(), max: localizedText.optional() }).optional(),
  }),
  z.strictObject({ type: z.literal("yesno"), ...common }),
  z.strictObject({ type: z.literal("text"), ...common, maxLength: z.int().min(1).max(4000).default(500) }),
]);

/** The survey file format; see examples/surveys/dorfentwicklung-hammah.yaml. */
export const surveyFileSchema = z
  .strictObject({
    key: z.string().regex(KEY_PATTERN),
    title: localizedText,
    intro: localizedText,
    area: z.string().min(1).optional(),
    opens: datetime.optional(),
    closes: datetime,
    anonymous: z.boolean().default(true),
    allowChange: z.boolean().default(false),
    liveResults: z.boolean().default(false),
    questions: z.array(question).min(1).max(50),
  })
  .superRefine((file, ctx) => {
    if (file.opens && new Date(file.opens) >= new Date(file.closes)) {
      ctx.addIssue({ code: "custom", path: ["closes"], params: { messageKey: "admin:survey-file-closes-before-opens", opens: file.opens } });
    }
    file.questions.forEach((q, index) => {
      if (q.type === "multiple") {
        const most = q.options.length + (q.other ? 1 : 0);
        if (q.max !== undefined && q.max > most) ctx.addIssue({ code: "custom", path: ["questions", index, "max"], params: { messageKey: "admin:survey-file-max-above-choices", max: q.max, choices: most } });
        if (q.min !== undefined && q.min > (q.max ?? most)) ctx.addIssue({ code: "custom", path: ["questions", index, "min"], params: { messageKey: "admin:survey-file-min-above-max", min: q.min, max: q.max ?? most } });
      }
      if (q.type === "scale" && (q.max <= q.min || q.max - q.min > 10)) {
        ctx.addIssue({ code: "custom", path: ["questions", index, "max"], params: { messageKey: "admin:survey-file-scale-range", min: q.min, max: q.max } });
      }
    });
  });

export type SurveyFile = z.infer<typeof surveyFileSchema>;

type Values = Readonly<Record<string, SurveyFileValue>>;

/** What an issue means for the admin: an i18n key, its values, and where in the file it is. */
export interface ExplainedIssue {
  readonly path: readonly PropertyKey[];
  /** True when the problem is the key at the end of path itself (an unknown key), not its value. */
  readonly atKey: boolean;
  readonly messageKey: string;
  readonly values: Values;
}

/** Words for the kinds of values a YAML file holds, translated when the problem is shown. */
const KIND = {
  text: { termKey: "admin:survey-file-kind-text" },
  number: { termKey: "admin:survey-file-kind-number" },
  integer: { termKey: "admin:survey-file-kind-integer" },
  decimal: { termKey: "admin:survey-file-kind-decimal" },
  yesno: { termKey: "admin:survey-file-kind-yesno" },
  list: { termKey: "admin:survey-file-kind-list" },
  section: { termKey: "admin:survey-file-kind-section" },
  empty: { termKey: "admin:survey-file-kind-empty" },
  other: { termKey: "admin:survey-file-kind-other" },
} as const;

/** zod's name of an expected type, in words; undefined for types a survey file never asks for. */
function expectedKind(expected: string): SurveyFileValue | undefined {
  switch (expected) {
    case "string":
      return KIND.text;
    case "number":
      return KIND.number;
    case "int":
      return KIND.integer;
    case "boolean":
      return KIND.yesno;
    case "array":
      return KIND.list;
    case "object":
      return KIND.section;
    default:
      return undefined;
  }
}

function kindOf(value: unknown): SurveyFileValue {
  if (value === null) return KIND.empty;
  if (Array.isArray(value)) return KIND.list;
  switch (typeof value) {
    case "string":
      return KIND.text;
    case "number":
      return Number.isInteger(value) ? KIND.integer : KIND.decimal;
    case "boolean":
      return KIND.yesno;
    case "object":
      return KIND.section;
    default:
      return KIND.other;
  }
}

/** A value from the file as the admin wrote it, shortened so one problem stays one line. */
function shown(value: unknown): string {
  const plain = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : (JSON.stringify(value) ?? String(value));
  const line = plain.replace(/\s+/g, " ");
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

const numberOrShown = (value: unknown): string | number => (typeof value === "number" ? value : shown(value));
const countOf = (value: unknown): number | string => (Array.isArray(value) ? value.length : typeof value === "string" ? value.length : "?");

const NOT_VALID = "admin:survey-file-invalid-value";

type Explanation = { readonly messageKey: string; readonly values?: Values };

function explainSize(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): Explanation {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case "string":
      if (small && limit <= 1) return { messageKey: "admin:survey-file-text-empty" };
      return small
        ? { messageKey: "admin:survey-file-text-too-short", values: { minimum: limit, length: countOf(issue.input) } }
        : { messageKey: "admin:survey-file-text-too-long", values: { maximum: limit, length: countOf(issue.input) } };
    case "array":
      return small
        ? { messageKey: "admin:survey-file-list-too-short", values: { minimum: limit, count: countOf(issue.input) } }
        : { messageKey: "admin:survey-file-list-too-long", values: { maximum: limit, count: countOf(issue.input) } };
    case "number":
    case "int": {
      const value = numberOrShown(issue.input);
      if (issue.inclusive === false) {
        return small
          ? { messageKey: "admin:survey-file-number-not-above", values: { minimum: limit, value } }
          : { messageKey: "admin:survey-file-number-not-below", values: { maximum: limit, value } };
      }
      return small
        ? { messageKey: "admin:survey-file-number-too-small", values: { minimum: limit, value } }
        : { messageKey: "admin:survey-file-number-too-large", values: { maximum: limit, value } };
    }
    default:
      return { messageKey: NOT_VALID };
  }
}

/** The schema's own checks name their i18n key and values in `params`. */
function explainCustom(issue: z.core.$ZodIssueCustom): Explanation {
  const params: Readonly<Record<string, unknown>> = issue.params ?? {};
  const messageKey = params["messageKey"];
  if (typeof messageKey !== "string") return { messageKey: NOT_VALID };
  const values: Record<string, SurveyFileValue> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name !== "messageKey" && value !== undefined) values[name] = numberOrShown(value);
  }
  return { messageKey, values };
}

/**
 * Maps one zod issue to translatable problems by its code and fields, never by zod's English
 * message; anything this does not know becomes "not valid here". An issue about several unknown
 * keys becomes one problem per key, each pointing at its own line.
 */
export function explainIssue(issue: z.core.$ZodIssue): ExplainedIssue[] {
  const at = (explanation: Explanation, path: readonly PropertyKey[] = issue.path, atKey = false): ExplainedIssue => ({
    path,
    atKey,
    messageKey: explanation.messageKey,
    values: explanation.values ?? {},
  });
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return [at({ messageKey: "admin:survey-file-missing" })];
      const [field] = issue.path;
      if (issue.path.length === 1 && field !== undefined && DATETIME_FIELDS.has(field)) {
        return [at({ messageKey: "admin:survey-file-datetime-kind", values: { example: DATETIME_EXAMPLE, found: kindOf(issue.input) } })];
      }
      const expected = expectedKind(issue.expected);
      if (!expected) return [at({ messageKey: NOT_VALID })];
      return [at({ messageKey: "admin:survey-file-wrong-kind", values: { expected, found: kindOf(issue.input) } })];
    }
    case "too_small":
    case "too_big":
      return [at(explainSize(issue))];
    case "unrecognized_keys":
      return issue.keys.map((key) => at({ messageKey: "admin:survey-file-unknown-key", values: { key } }, [...issue.path, key], true));
    case "invalid_union": {
      if (!issue.discriminator || !("options" in issue) || !issue.options) return [at({ messageKey: NOT_VALID })];
      const allowed = issue.options.map(String).join(", ");
      const given: unknown = typeof issue.input === "object" && issue.input !== null ? (issue.input as Record<string, unknown>)[issue.discriminator] : undefined;
      if (given === undefined) return [at({ messageKey: "admin:survey-file-choice-missing", values: { field: issue.discriminator, allowed } })];
      return [at({ messageKey: "admin:survey-file-choice-unknown", values: { value: shown(given), allowed } })];
    }
    case "invalid_value":
      return [at({ messageKey: "admin:survey-file-choice-unknown", values: { value: shown(issue.input), allowed: issue.values.map(String).join(", ") } })];
    case "invalid_format":
      if (issue.format === "datetime") return [at({ messageKey: "admin:survey-file-datetime", values: { example: DATETIME_EXAMPLE, value: shown(issue.input) } })];
      if (issue.format === "regex" && issue.pattern === String(KEY_PATTERN)) return [at({ messageKey: "admin:survey-file-key-format", values: { value: shown(issue.input) } })];
      return [at({ messageKey: NOT_VALID })];
    case "custom":
      return [at(explainCustom(issue))];
    default:
      return [at({ messageKey: NOT_VALID })];
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

type Position = { line: number; column: number };

/** The line of the deepest node the path reaches, so an error points at the wrong item itself. */
function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[], atKey = false): Position {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (const [index, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      node = pair?.value;
      // A missing key points at the map that lacks it.
      if (!pair) break;
      found = (atKey && index === path.length - 1 ? pair.key : (pair.value ?? pair.key)) as Node;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      if (!node) break;
      found = node as Node;
    } else break;
  }
  return position(lines, found?.range?.[0] ?? 0);
}

function position(lines: LineCounter, offset: number): Position {
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** The key a DUPLICATE_KEY error points at, found by its place in the file. */
function duplicateKey(doc: Document, offset: number): string | undefined {
  let name: string | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        name = shown(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return name;
}

function yamlProblem(doc: Document, lines: LineCounter, error: YAMLError): Omit<SurveyFileProblem, "path"> {
  const offset = error.pos[0];
  const key = error.code === "DUPLICATE_KEY" ? duplicateKey(doc, offset) : undefined;
  return key === undefined
    ? { ...position(lines, offset), messageKey: "admin:survey-file-yaml-invalid", values: { code: error.code } }
    : { ...position(lines, offset), messageKey: "admin:survey-file-yaml-duplicate-key", values: { key } };
}

/** Where the first alias is that has no anchor before it (or the first alias at all). */
function aliasOffset(doc: Document): number {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_key, alias) {
      first ??= alias.range?.[0];
      if (isAlias(alias) && alias.resolve(doc) === undefined) {
        unresolved = alias.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first ?? 0;
}

/** Parses and validates a survey file's text; throws SurveyFileError naming line and item. */
export function parseSurveyFile(source: string, file: string): { parsed: SurveyFile; locate(path: readonly PropertyKey[]): Position } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SurveyFileError(file, doc.errors.map((error) => ({ ...yamlProblem(doc, lines, error), path: "" })));
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch {
    // Only aliases fail here: one without its anchor, or so many that the file would explode in memory.
    throw new SurveyFileError(file, [{ ...position(lines, aliasOffset(doc)), path: "", messageKey: "admin:survey-file-yaml-alias", values: {} }]);
  }
  // The input is reported so problems can say what was found instead.
  const result = surveyFileSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap(explainIssue).map((problem) => ({
      ...locate(doc, lines, problem.path, problem.atKey),
      path: pathText(problem.atKey ? problem.path.slice(0, -1) : problem.path),
      messageKey: problem.messageKey,
      values: problem.values,
    }));
    // In the order of the file, as an editor would walk through them.
    throw new SurveyFileError(file, problems.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { parsed: result.data, locate: (path) => locate(doc, lines, path) };
}

const toText = (value: { de: string; en?: string | undefined }): LocalizedText => ({ de: value.de, ...(value.en ? { en: value.en } : {}) });

/** The store's input for a validated file. */
export function toNewSurvey(file: SurveyFile, areaId: number | null): NewSurvey {
  return {
    key: file.key,
    title: toText(file.title),
    intro: toText(file.intro),
    areaId,
    opensAt: file.opens ? new Date(file.opens) : null,
    closesAt: new Date(file.closes),
    anonymous: file.anonymous,
    allowChange: file.allowChange,
    liveResults: file.liveResults,
    questions: file.questions.map((q): NewSurveyQuestion => {
      const base = { type: q.type, text: toText(q.text), required: q.required };
      switch (q.type) {
        case "single":
          return { ...base, options: q.options.map(toText), allowOther: q.other, maxLength: q.maxLength ?? null };
        case "multiple":
          return { ...base, options: q.options.map(toText), allowOther: q.other, maxLength: q.maxLength ?? null, minPicks: q.min ?? null, maxPicks: q.max ?? null };
        case "scale":
          return {
            ...base,
            scaleMin: q.min,
            scaleMax: q.max,
            scaleMinLabel: q.labels?.min ? toText(q.labels.min) : null,
            scaleMaxLabel: q.labels?.max ? toText(q.labels.max) : null,
          };
        case "yesno":
          return base;
        case "text":
          return { ...base, maxLength: q.maxLength };
      }
    }),
  };
}
