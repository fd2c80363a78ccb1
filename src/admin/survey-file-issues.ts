import type { z } from "zod";
import type { SurveyFileValue } from "./survey-file.js";

// How a zod issue in a survey file is explained to the admin: an i18n key and its values, never
// zod's English message. Split from survey-file.ts, which holds the format and the parsing.

/** The example shown wherever a date and time is expected. */
export const DATETIME_EXAMPLE = "2026-12-01T08:00:00+01:00";
export const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** Top-level fields holding a date and time: a wrong kind of value there is explained as a date. */
export const DATETIME_FIELDS: ReadonlySet<PropertyKey> = new Set(["opens", "closes"]);

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
export function shown(value: unknown): string {
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
