import { renderBarChart, renderBarChartSvg } from "../charts/bar-chart.js";
import type { Feature } from "../core/conversation/feature.js";
import { createBroadcastsFeature } from "../core/features/broadcasts.js";
import { createEraseFeature } from "../core/features/erase.js";
import type { ContributionsOnErasure } from "../core/ports/erasure.js";
import { createResidentErasure } from "../storage/privacy/resident-erasure.js";
import { createIdeasFeatures, DEFAULT_IDEAS_CONFIG, type IdeasConfig } from "../core/features/ideas/index.js";
import { createInitiativesFeature } from "../core/features/initiatives.js";
import { createStayFeature } from "../core/features/privacy/stay-feature.js";
import { createNewsModerationFeature, createNewsQueueSource, createNewsReportSubjects, type NewsModerationDeps } from "../core/features/news-moderation.js";
import { createSubscriptionsFeature } from "../core/features/subscriptions.js";
import { createSurveysFeature } from "../core/features/surveys/survey-feature.js";
import { createSurveyScheduler } from "../core/features/surveys/survey-scheduler.js";
import type { ChatAdminVerifier } from "../core/ports/chat-admin-verifier.js";
import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import type { Publisher } from "../core/ports/publisher.js";
import type { Translator } from "../core/ports/translator.js";
import type { FoundationStores } from "../storage/create-stores.js";
import { createIdeaStores } from "../storage/create-idea-stores.js";
import { createDigestJob } from "../storage/outbox/digest-job.js";
import { createOutboxOverview } from "../storage/outbox/outbox-overview.js";
import { createOutboxPublisher } from "../storage/outbox/publisher.js";
import type { PrismaAccess } from "../storage/prisma-access.js";
import { createFeedPreferenceStore } from "../storage/stores/feed-preference-store.js";
import { createInitiativeStore } from "../storage/stores/initiative-store.js";
import { createStayStore } from "../storage/stores/stay-store.js";
import { createSubscriptionStore } from "../storage/stores/subscription-store.js";
import { DEFAULT_TIME_ZONE } from "../core/render/format-date.js";
import { createSurveyStore } from "../storage/stores/survey-store.js";

/** A part that runs in the background between start() and stop(). */
export interface BackgroundService {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface FeatureAssemblyDeps {
  readonly access: PrismaAccess;
  readonly stores: FoundationStores;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Named in survey privacy notes as who sees non-anonymous answers. */
  readonly organiser: string;
  readonly surveyTokenSecret?: string | undefined;
  readonly ideas?: Partial<IdeasConfig>;
  /** Lets admins of a Telegram channel subscribe it from their private chat (createTelegramChatAdminVerifier). */
  readonly chatAdmins?: ChatAdminVerifier | undefined;
  /** ERASURE_CONTRIBUTIONS: what /delete does with the resident's ideas and news (default "anonymise"). */
  readonly erasureContributions?: ContributionsOnErasure;
  /** The municipality's time zone (TIME_ZONE) for every date people read; default Europe/Berlin. */
  readonly timeZone?: string;
}

export interface AssembledFeatures {
  readonly features: readonly Feature[];
  readonly publisher: Publisher;
  readonly services: readonly BackgroundService[];
}

/**
 * Surveys, ideas with moderation and the council, initiatives, chat subscriptions and the outbox
 * overview, all on one Prisma access so every store call joins the event's unit of work.
 */
export function assembleFeatures(deps: FeatureAssemblyDeps): AssembledFeatures {
  const { access, stores, translator, clock, logger } = deps;
  const timeZone = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const publisher = createOutboxPublisher({ access, clock });
  const surveyStore = createSurveyStore(access, deps.surveyTokenSecret ? { tokenSecret: deps.surveyTokenSecret } : {});
  const initiatives = createInitiativeStore(access);
  const ideaStores = createIdeaStores(access);
  // News moderation shares the ideas' moderation chat, staff lookup and audit log.
  const newsModeration: NewsModerationDeps = {
    initiatives,
    areas: stores.areas,
    photos: ideaStores.photos,
    moderation: ideaStores.moderation,
    audit: ideaStores.audit,
    publisher,
    translator,
    clock,
  };

  const features: Feature[] = [
    createSurveysFeature({
      surveys: surveyStore,
      areas: stores.areas,
      publisher,
      translator,
      clock,
      charts: { render: renderBarChart, renderSvg: renderBarChartSvg },
      organiser: deps.organiser,
      audit: ideaStores.audit,
      timeZone,
    }),
    ...createIdeasFeatures({
      ...ideaStores,
      areas: stores.areas,
      residents: stores.residents,
      publisher,
      translator,
      clock,
      config: { ...DEFAULT_IDEAS_CONFIG, ...deps.ideas },
      timeZone,
      queueSources: [createNewsQueueSource(newsModeration)],
      publishedSurveys: surveyStore,
      reportSubjects: createNewsReportSubjects(newsModeration),
    }),
    createInitiativesFeature({
      ...newsModeration,
      preferences: createFeedPreferenceStore(access),
      reports: ideaStores.ideas,
    }),
    createNewsModerationFeature(newsModeration),
    createSubscriptionsFeature({
      subscriptions: createSubscriptionStore(access),
      audit: ideaStores.audit,
      areas: stores.areas,
      initiatives,
      ...(deps.chatAdmins ? { chatAdmins: deps.chatAdmins } : {}),
    }),
    createBroadcastsFeature({ outbox: createOutboxOverview(access), timeZone }),
    createEraseFeature({ erasure: createResidentErasure(access, deps.erasureContributions ?? "anonymise"), clock }),
    // The answer to the maintenance's question to long-silent residents (src/storage/maintenance.ts).
    createStayFeature({ stay: createStayStore(access) }),
  ];

  const scheduler = createSurveyScheduler({ store: surveyStore, unitOfWork: access, clock, logger });
  const digest = createDigestJob({ access, publisher, translator, clock, logger });
  const services: BackgroundService[] = [
    { name: "survey-scheduler", start: async () => scheduler.start(), stop: () => scheduler.stop() },
    { name: "digest", start: async () => digest.start(), stop: () => digest.stop() },
  ];
  return { features, publisher, services };
}
