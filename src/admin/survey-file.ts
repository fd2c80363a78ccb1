import { z } from "zod";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { NewSurvey, NewSurveyQuestion } from "../core/ports/survey-store.js";
import type { LocalizedText } from "../core/model/survey.js";
import { explainIssue, KEY_PATTERN, shown } from "./survey-file-issues.js";

export { explainIssue, type ExplainedIssue } from "./survey-file-issues.js";

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


const text = z.string().trim().min(1);
const localizedText = z.strictObject({ de: text, en: text.optional() });
const datetime = z.iso.datetime({ offset: true });

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
