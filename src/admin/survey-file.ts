import { z } from "zod";
import { open } from "node:fs/promises";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { NewSurvey, NewSurveyQuestion } from "../core/ports/survey-store.js";
import type { LocalizedText } from "../core/model/survey.js";
import { cleanText } from "../core/text/clean-text.js";
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


/**
 * The longest texts a survey file may hold, in UTF-16 code units, which is how JavaScript and
 * Telegram both count. They keep every message a survey makes within Telegram's 4,096: the
 * announcement is title + intro + about 200 characters of frame (≈ 1,850); a question is the
 * progress line with the title, the question, a hint and, where choices become a numbered list
 * (Matrix, the terminal), all 20 options (150 + 500 + 120 + 20 × 155 ≈ 3,900). Within those bounds
 * an intro still fills a phone screen and a question can explain itself; options and scale labels
 * are also button labels, which phones cut off long before 150 characters.
 */
export const SURVEY_TEXT_MAXIMA = { title: 150, intro: 1_500, question: 500, option: 150, scaleLabel: 80 } as const;

/**
 * The largest survey file read at all. The largest valid survey (50 questions of 500 characters
 * with 20 options of 150, all in German and English) is about 400 KB of YAML, so 1 MiB leaves room
 * for comments and long lines while a text pasted by mistake is refused before it is parsed.
 */
export const SURVEY_FILE_MAX_BYTES = 1024 * 1024;

/**
 * How many values aliases (*name) and merge keys (<<) may add to a file by repeating what an anchor
 * holds. A valid survey holds about 6,000 values in all, so legitimate reuse (the same labels for
 * every scale) adds far less; an alias or merge "bomb" that would repeat millions is refused
 * before anything is expanded.
 */
export const SURVEY_FILE_MAX_ALIASED_VALUES = 10_000;

const text = (maximum: number) => z.string().trim().min(1).max(maximum);
const localizedText = (maximum: number) => z.strictObject({ de: text(maximum), en: text(maximum).optional() });
const datetime = z.iso.datetime({ offset: true });

const common = { text: localizedText(SURVEY_TEXT_MAXIMA.question), required: z.boolean().default(true) };
const options = z.array(localizedText(SURVEY_TEXT_MAXIMA.option)).min(2).max(20);
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
    labels: z.strictObject({ min: localizedText(SURVEY_TEXT_MAXIMA.scaleLabel).optional(), max: localizedText(SURVEY_TEXT_MAXIMA.scaleLabel).optional() }).optional(),
  }),
  z.strictObject({ type: z.literal("yesno"), ...common }),
  z.strictObject({ type: z.literal("text"), ...common, maxLength: z.int().min(1).max(4000).default(500) }),
]);

/** The survey file format; see examples/surveys/dorfentwicklung-hammah.yaml. */
export const surveyFileSchema = z
  .strictObject({
    key: z.string().regex(KEY_PATTERN),
    title: localizedText(SURVEY_TEXT_MAXIMA.title),
    intro: localizedText(SURVEY_TEXT_MAXIMA.intro),
    area: z.string().min(1).max(100).optional(),
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
        if (q.max !== undefined && q.max > most) ctx.addIssue({ code: "custom", path: ["questions", index, "max"], params: { messageKey: "admin:survey-file-max-above-choices", max: q.max, count: most } });
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

function yamlProblem(lines: LineCounter, error: YAMLError): Omit<SurveyFileProblem, "path"> & { offset: number } {
  const offset = error.pos[0];
  return { offset, ...position(lines, offset), messageKey: "admin:survey-file-yaml-invalid", values: { code: error.code } };
}

/**
 * Keys that appear a second time in one section, found in one walk with a set per section. The
 * parser's own check (`uniqueKeys`) compares every key with every other: a section of 20,000 keys
 * took 13 s, one of a megabyte would take minutes.
 */
function duplicateKeys(doc: Document, lines: LineCounter): (Omit<SurveyFileProblem, "path"> & { offset: number })[] {
  const problems: (Omit<SurveyFileProblem, "path"> & { offset: number })[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name: unknown = pair.key.value;
        if (!seen.has(name)) {
          seen.add(name);
          continue;
        }
        const offset = pair.key.range?.[0] ?? 0;
        problems.push({ offset, ...position(lines, offset), messageKey: "admin:survey-file-yaml-duplicate-key", values: { key: shown(name) } });
      }
      return undefined;
    },
  });
  return problems;
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

/**
 * Where aliases (and the merge keys that use them) first add more than
 * SURVEY_FILE_MAX_ALIASED_VALUES values, or undefined when they stay below. One walk in file order
 * with each anchored node's size remembered, so a bomb costs as much as its text, not its expansion.
 */
function aliasExpansionOffset(doc: Document): number | undefined {
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  let added = 0;
  let over: number | undefined;
  const walk = (node: unknown): number => {
    if (over !== undefined) return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // An alias inside its own anchor would repeat without end.
      const size = target === undefined ? 0 : (sizes.get(target) ?? Number.POSITIVE_INFINITY);
      added += Math.max(0, size - 1);
      if (added > SURVEY_FILE_MAX_ALIASED_VALUES) over = node.range?.[0] ?? 0;
      return size;
    }
    const anchor = (node as { anchor?: unknown } | null)?.anchor;
    if (typeof anchor === "string") anchors.set(anchor, node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) size += isPair(item) ? walk(item.key) + walk(item.value) : walk(item);
    }
    sizes.set(node, size);
    return size;
  };
  walk(doc.contents);
  return over;
}

/**
 * Cleans every text of the file where it is written (see cleanText): a NUL or another control
 * character would otherwise reach the database, which refuses it. They are dropped without a
 * word: no editor shows them, so a problem pointing at one would send the admin looking for
 * something invisible, and what remains is exactly the text the admin sees.
 */
function cleanScalars(doc: Document): void {
  visit(doc, {
    Scalar(_key, scalar) {
      if (typeof scalar.value === "string") scalar.value = cleanText(scalar.value);
    },
  });
}

/**
 * Reads a survey file of at most SURVEY_FILE_MAX_BYTES; a larger one is refused before it is read
 * further, pointing at the line and column where it passes the limit (often one huge pasted text).
 */
export async function readSurveyFile(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(SURVEY_FILE_MAX_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length <= SURVEY_FILE_MAX_BYTES) return new TextDecoder().decode(buffer.subarray(0, length));
    const before = new TextDecoder().decode(buffer.subarray(0, SURVEY_FILE_MAX_BYTES));
    // The first character past the limit, counted as the parser would (1-based).
    const lastBreak = before.lastIndexOf("\n");
    const line = before.split("\n").length;
    throw new SurveyFileError(path, [
      { line, column: before.length - lastBreak, path: "", messageKey: "admin:survey-file-too-large", values: { maximum: SURVEY_FILE_MAX_BYTES / 1024 } },
    ]);
  } finally {
    await handle.close();
  }
}

/** Parses and validates a survey file's text; throws SurveyFileError naming line and item. */
export function parseSurveyFile(source: string, file: string): { parsed: SurveyFile; locate(path: readonly PropertyKey[]): Position } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const invalid = [...doc.errors.map((error) => yamlProblem(lines, error)), ...duplicateKeys(doc, lines)];
  if (invalid.length > 0) {
    throw new SurveyFileError(file, invalid.sort((a, b) => a.offset - b.offset).map(({ offset: _offset, ...problem }) => ({ ...problem, path: "" })));
  }
  const bomb = aliasExpansionOffset(doc);
  if (bomb !== undefined) {
    throw new SurveyFileError(file, [
      { ...position(lines, bomb), path: "", messageKey: "admin:survey-file-yaml-alias-expansion", values: { maximum: SURVEY_FILE_MAX_ALIASED_VALUES } },
    ]);
  }
  cleanScalars(doc);
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
