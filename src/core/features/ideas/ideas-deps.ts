import type { Turn } from "../../conversation/turn.js";
import type { OutboundMessage } from "../../model/outbound-message.js";
import type { Clock } from "../../ports/clock.js";
import type { Survey } from "../../model/survey.js";
import type { PhotoStore } from "../../ports/photo-store.js";
import type { Publisher } from "../../ports/publisher.js";
import type { AreaStore, ResidentStore } from "../../ports/stores.js";
import type { Translator } from "../../ports/translator.js";
import type { ReportSubjects } from "./reversal.js";
import type { AuditStore, CouncilResultStore, IdeaStore, ModerationStore } from "./idea-ports.js";

/**
 * Limits and choices an installation configures.
 *
 * @example
 * const config: IdeasConfig = { ...DEFAULT_IDEAS_CONFIG, submissionsPerDay: 5 };
 */
export interface IdeasConfig {
  /** Category ids; each needs the locale key "ideas:category-<id>". */
  readonly categories: readonly string[];
  readonly titleMin: number;
  readonly titleMax: number;
  readonly descriptionMin: number;
  readonly descriptionMax: number;
  /** Submissions per resident within any 24 hours. */
  readonly submissionsPerDay: number;
  readonly pageSize: number;
}

export const DEFAULT_IDEAS_CONFIG: IdeasConfig = {
  categories: ["traffic", "environment", "community", "youth", "other"],
  titleMin: 5,
  titleMax: 100,
  descriptionMin: 10,
  descriptionMax: 1500,
  submissionsPerDay: 3,
  pageSize: 5,
};

export interface IdeasStores {
  readonly ideas: IdeaStore;
  readonly moderation: ModerationStore;
  readonly audit: AuditStore;
  readonly results: CouncilResultStore;
  readonly photos: PhotoStore;
}

export interface IdeasDeps extends IdeasStores {
  readonly areas: AreaStore;
  readonly residents: ResidentStore;
  readonly publisher: Publisher;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly config: IdeasConfig;
  /** The municipality's time zone (TIME_ZONE), for every date and time shown. */
  readonly timeZone: string;
  /** Other things waiting for moderation (pending news) that /queue lists after the ideas. */
  readonly queueSources?: readonly ModerationQueueSource[];
  /** Surveys whose results are published, listed under "Results" beside the council's posts. */
  readonly publishedSurveys?: PublishedSurveySource;
  /** What reported news items are about, for /reports; without it they show as "no longer there". */
  readonly reportSubjects?: ReportSubjects;
}

/**
 * The published surveys, newest publication first (the survey store is one). The Results menu
 * lists them; choosing one opens its results through the surveys feature ("surveys:res:ID").
 *
 * @example
 * const source: PublishedSurveySource = { listPublished: async () => [survey] };
 */
export interface PublishedSurveySource {
  listPublished(): Promise<readonly Survey[]>;
}

/**
 * Other pending items for /queue, already limited to what this moderator may decide: how many
 * there are, and the cards of `limit` of them from `offset` on, oldest first (only those load
 * their photos), for the queue's current page.
 *
 * @example
 * const news: ModerationQueueSource = { pendingCards: async (turn, offset, limit) => ({ total: 1, cards: [{ html: "…" }] }) };
 */
export interface ModerationQueueSource {
  pendingCards(turn: Turn, offset: number, limit: number): Promise<{ readonly total: number; readonly cards: readonly OutboundMessage[] }>;
}
