import { DEFAULT_LOCALE, SUPPORTED_LOCALES, type Locale } from "./locale.js";

/**
 * Text an admin wrote per language. German is required by the import; other languages fall back to it.
 *
 * @example
 * const title: LocalizedText = { de: "Dorfentwicklung Hammah", en: "Village development in Hammah" };
 */
export type LocalizedText = Readonly<Partial<Record<Locale, string>>>;

/** The text in `locale`, else German, else whatever language there is. */
export function localized(text: LocalizedText, locale: Locale): string {
  return text[locale] ?? text[DEFAULT_LOCALE] ?? SUPPORTED_LOCALES.map((l) => text[l]).find((t) => t !== undefined) ?? "";
}

export const QUESTION_TYPES = ["single", "multiple", "scale", "yesno", "text"] as const;
/** single choice, multiple choice, scale (e.g. 1–5), yes/no, free text. */
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const SURVEY_STATUSES = ["draft", "open", "closed", "published"] as const;
/** draft (imported, not visible) → open (answerable) → closed → published (results visible). */
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/**
 * One answer option of a choice question.
 *
 * @example
 * const option: SurveyOption = { id: 31, position: 0, label: { de: "Radwege", en: "Cycle paths" } };
 */
export interface SurveyOption {
  readonly id: number;
  readonly position: number;
  readonly label: LocalizedText;
}

/**
 * One question. Which fields matter depends on `type`: picks for multiple, scale bounds and end
 * labels for scale, `maxLength` for text and for "other" texts.
 *
 * @example
 * const q: SurveyQuestion = {
 *   id: 5, position: 1, type: "multiple", text: { de: "Was fehlt?" }, required: true,
 *   minPicks: 1, maxPicks: 2, scaleMin: null, scaleMax: null, scaleMinLabel: null, scaleMaxLabel: null,
 *   allowOther: true, maxLength: 200, options: [],
 * };
 */
export interface SurveyQuestion {
  readonly id: number;
  readonly position: number;
  readonly type: QuestionType;
  readonly text: LocalizedText;
  readonly required: boolean;
  readonly minPicks: number | null;
  readonly maxPicks: number | null;
  readonly scaleMin: number | null;
  readonly scaleMax: number | null;
  readonly scaleMinLabel: LocalizedText | null;
  readonly scaleMaxLabel: LocalizedText | null;
  readonly allowOther: boolean;
  readonly maxLength: number | null;
  readonly options: readonly SurveyOption[];
}

/**
 * A survey with its questions in order.
 *
 * @example
 * const survey: Survey = {
 *   id: 1, key: "dorf-2026", title: { de: "Dorfentwicklung" }, intro: { de: "…" }, areaId: null,
 *   opensAt: null, closesAt: new Date("2026-12-31T23:00:00Z"), status: "open",
 *   anonymous: true, allowChange: false, liveResults: false, questions: [],
 * };
 */
export interface Survey {
  readonly id: number;
  readonly key: string;
  readonly title: LocalizedText;
  readonly intro: LocalizedText;
  readonly areaId: number | null;
  readonly opensAt: Date | null;
  readonly closesAt: Date;
  readonly status: SurveyStatus;
  readonly anonymous: boolean;
  readonly allowChange: boolean;
  readonly liveResults: boolean;
  /** The file's `opens` date when an admin opened the survey before it; `opensAt` is then the real opening. */
  readonly plannedOpensAt?: Date | null;
  /** When the results were published (null before). */
  readonly publishedAt?: Date | null;
  readonly questions: readonly SurveyQuestion[];
}

/** What a resident gave for one question, kept in the draft and submitted as answer rows. */
export interface DraftAnswer {
  /** Picked option positions (single: at most one). */
  readonly picks?: readonly number[];
  /** The "other" text, for choice questions that allow it. */
  readonly other?: string;
  /** Scale value, or 1 (yes) / 0 (no). */
  readonly value?: number;
  /** Free text. */
  readonly text?: string;
  readonly skipped?: boolean;
}

/**
 * A resident's unfinished survey: where they are and what they answered, keyed by question position.
 *
 * @example
 * const draft: SurveyDraft = { position: 2, answers: { "0": { picks: [1] }, "1": { value: 4 } }, changing: false };
 */
export interface SurveyDraft {
  readonly position: number;
  readonly answers: Readonly<Record<string, DraftAnswer>>;
  readonly changing: boolean;
}

/** Whether a survey can be answered at `now`. */
export function isAnswerable(survey: Pick<Survey, "status" | "opensAt" | "closesAt">, now: Date): boolean {
  return survey.status === "open" && (survey.opensAt === null || survey.opensAt <= now) && now < survey.closesAt;
}

/** Whether an answer counts as given (something picked, a value or a text). */
export function isAnswered(answer: DraftAnswer | undefined): boolean {
  if (!answer || answer.skipped) return false;
  return (answer.picks?.length ?? 0) > 0 || answer.other !== undefined || answer.value !== undefined || answer.text !== undefined;
}
