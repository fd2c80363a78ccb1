import type { DraftAnswer, LocalizedText, QuestionType, Survey, SurveyDraft, SurveyStatus } from "../model/survey.js";

/** A question as imported, before it has ids. */
export interface NewSurveyQuestion {
  readonly type: QuestionType;
  readonly text: LocalizedText;
  readonly required: boolean;
  readonly minPicks?: number | null;
  readonly maxPicks?: number | null;
  readonly scaleMin?: number | null;
  readonly scaleMax?: number | null;
  readonly scaleMinLabel?: LocalizedText | null;
  readonly scaleMaxLabel?: LocalizedText | null;
  readonly allowOther?: boolean;
  readonly maxLength?: number | null;
  readonly options?: readonly LocalizedText[];
}

/** A survey as imported from a file; it starts as a draft. */
export interface NewSurvey {
  readonly key: string;
  readonly title: LocalizedText;
  readonly intro: LocalizedText;
  readonly areaId: number | null;
  readonly opensAt: Date | null;
  readonly closesAt: Date;
  readonly anonymous: boolean;
  readonly allowChange: boolean;
  readonly liveResults: boolean;
  readonly questions: readonly NewSurveyQuestion[];
}

/** A survey with its number of responses, for the admins' overview. */
export interface SurveyOverview {
  readonly survey: Survey;
  readonly responses: number;
}

/**
 * How a submission ended: counted, replaced an earlier one, refused because one was already
 * counted (another messenger or a simultaneous press won), or refused because the survey closed.
 */
export type SubmitOutcome = "submitted" | "changed" | "already-counted" | "closed";

/** A free text (answer to a text question or an "other" text) with the id admins publish it by. */
export interface FreeTextAnswer {
  readonly answerId: string;
  readonly text: string;
  readonly published: boolean;
}

/** Aggregated answers to one question. Counts are keyed by option position or by value. */
export interface QuestionResult {
  readonly questionId: number;
  /** Responses that answered (did not skip) this question. */
  readonly respondents: number;
  readonly optionCounts: ReadonlyMap<number, number>;
  readonly otherCount: number;
  readonly valueCounts: ReadonlyMap<number, number>;
  readonly texts: readonly FreeTextAnswer[];
}

/**
 * The results of a survey.
 *
 * @example
 * const results: SurveyResults = { responses: 12, questions: [] };
 */
export interface SurveyResults {
  readonly responses: number;
  readonly questions: readonly QuestionResult[];
}

/** One response for export; `residentId` is always null for anonymous surveys. */
export interface ExportedResponse {
  readonly id: string;
  readonly submittedAt: Date;
  readonly residentId: number | null;
  /** Keyed by question position. */
  readonly answers: Readonly<Record<string, DraftAnswer>>;
}

/**
 * Surveys, drafts and responses. Implementations compute the anonymous voter token themselves, so
 * the core never sees the secret behind it.
 */
export interface SurveyStore {
  create(survey: NewSurvey): Promise<Survey>;
  get(surveyId: number): Promise<Survey | undefined>;
  byKey(key: string): Promise<Survey | undefined>;
  /** Surveys answerable at `now` for residents of these areas (plus those for the whole municipality). */
  listAnswerable(areaIds: readonly number[], now: Date): Promise<Survey[]>;
  overview(): Promise<SurveyOverview[]>;
  /**
   * Sets the status. `opensAt` replaces the opening time (opening early); the file's date is then
   * kept as `plannedOpensAt`. Publishing sets `publishedAt` to `now` (default: the database's now).
   */
  setStatus(surveyId: number, status: SurveyStatus, opensAt?: Date, now?: Date): Promise<Survey | undefined>;
  /** Surveys whose results are published, newest publication first. */
  listPublished(): Promise<Survey[]>;
  /** Closes open surveys whose close time has passed and deletes their drafts; returns their ids. */
  closeDueSurveys(now: Date): Promise<number[]>;

  getDraft(surveyId: number, residentId: number): Promise<SurveyDraft | undefined>;
  saveDraft(surveyId: number, residentId: number, draft: SurveyDraft): Promise<void>;
  deleteDraft(surveyId: number, residentId: number): Promise<void>;

  /** The resident's submitted answers, keyed by question position, or undefined. */
  findResponse(survey: Survey, residentId: number): Promise<Record<string, DraftAnswer> | undefined>;
  /** Which of these surveys the resident has answered. */
  answeredBy(surveys: readonly Survey[], residentId: number): Promise<Set<number>>;
  /**
   * Stores the response and deletes the draft. With `changing` an earlier response is replaced;
   * without it an existing response means "already-counted". Unique constraints decide races.
   */
  submit(survey: Survey, residentId: number, answers: Readonly<Record<string, DraftAnswer>>, changing: boolean, now: Date): Promise<SubmitOutcome>;

  results(survey: Survey): Promise<SurveyResults>;
  /** The survey a free-text answer belongs to, or undefined if there is no such text. */
  surveyOfText(answerId: string): Promise<number | undefined>;
  /** Marks a free-text answer as published; returns its survey id, or undefined if there is none. */
  publishText(answerId: string): Promise<number | undefined>;
  exportResponses(survey: Survey): Promise<ExportedResponse[]>;
}
