import { z } from "zod";
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { NewSurvey, NewSurveyQuestion } from "../core/ports/survey-store.js";
import type { LocalizedText } from "../core/model/survey.js";

/** One thing wrong with a survey file, with where it is. */
export interface SurveyFileProblem {
  readonly line: number;
  readonly column: number;
  /** e.g. "questions[2].options" */
  readonly path: string;
  readonly message: string;
}

/** A survey file that cannot be imported; nothing of it was stored. */
export class SurveyFileError extends Error {
  override readonly name = "SurveyFileError";

  constructor(
    readonly file: string,
    readonly problems: readonly SurveyFileProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n"));
  }
}

const text = z.string().trim().min(1);
const localizedText = z.strictObject({ de: text, en: text.optional() });
const datetime = z.iso.datetime({ offset: true, message: "expected a date and time with offset, e.g. 2026-12-01T08:00:00+01:00" });

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
    key: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "use lower-case letters, digits and hyphens (2-63 characters)"),
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
      ctx.addIssue({ code: "custom", path: ["closes"], message: "closes must be after opens" });
    }
    file.questions.forEach((q, index) => {
      if (q.type === "multiple") {
        const most = q.options.length + (q.other ? 1 : 0);
        if (q.max !== undefined && q.max > most) ctx.addIssue({ code: "custom", path: ["questions", index, "max"], message: `max is larger than the ${most} choices` });
        if (q.min !== undefined && q.min > (q.max ?? most)) ctx.addIssue({ code: "custom", path: ["questions", index, "min"], message: "min is larger than max" });
      }
      if (q.type === "scale" && (q.max <= q.min || q.max - q.min > 10)) {
        ctx.addIssue({ code: "custom", path: ["questions", index, "max"], message: "a scale needs max > min and at most 11 steps" });
      }
    });
  });

export type SurveyFile = z.infer<typeof surveyFileSchema>;

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

/** The line of the deepest node the path reaches, so an error points at the wrong item itself. */
function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): { line: number; column: number } {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      node = pair?.value;
      // A missing key points at the map that lacks it.
      if (!pair) break;
      found = (pair.value ?? pair.key) as Node;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      if (!node) break;
      found = node as Node;
    } else break;
  }
  const offset = found?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Parses and validates a survey file's text; throws SurveyFileError naming line and item. */
export function parseSurveyFile(source: string, file: string): { parsed: SurveyFile; locate(path: readonly PropertyKey[]): { line: number; column: number } } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SurveyFileError(
      file,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, path: "", message: e.message.split("\n")[0] ?? e.code };
      }),
    );
  }
  const result = surveyFileSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new SurveyFileError(
      file,
      result.error.issues.map((issue) => ({ ...locate(doc, lines, issue.path), path: pathText(issue.path), message: issue.message })),
    );
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
