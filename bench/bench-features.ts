/**
 * The features beyond the foundation that the benchmarks drive (surveys, ideas), the data they
 * need (an open survey, approved ideas) and the activities residents do with them. Kept in one
 * place so the throughput and Telegram benchmarks assemble the same core.
 */
import { createAuditStore } from "../src/storage/stores/audit-store.js";
import { loadConfig, privacyFactsOf } from "../src/config.js";
import { renderBarChart } from "../src/charts/bar-chart.js";
import type { Feature } from "../src/core/conversation/feature.js";
import { createIdeasFeatures, DEFAULT_IDEAS_CONFIG } from "../src/core/features/ideas/index.js";
import { createSurveysFeature } from "../src/core/features/surveys/survey-feature.js";
import type { Clock } from "../src/core/ports/clock.js";
import type { Logger } from "../src/core/ports/logger.js";
import type { Publisher } from "../src/core/ports/publisher.js";
import type { Translator } from "../src/core/ports/translator.js";
import { createIdeaStores } from "../src/storage/create-idea-stores.js";
import { createFoundationStores, type FoundationStores } from "../src/storage/create-stores.js";
import type { PrismaClient } from "../src/storage/generated/prisma/client.js";
import { createPrismaAccess, type PrismaAccess } from "../src/storage/prisma-access.js";
import { assembleCore } from "../src/app/create-core.js";
import { createSurveyStore } from "../src/storage/stores/survey-store.js";
import type { Activity, ResidentContext } from "./resident-mix.js";

export interface FeatureSetupDeps {
  readonly prisma: PrismaClient;
  readonly access: PrismaAccess;
  readonly stores: FoundationStores;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The outbox publisher; without one, publications are written as KeyValue rows in the same transaction. */
  readonly publisher?: Publisher;
}

export interface BenchFeatures {
  readonly features: readonly Feature[];
  readonly activities: readonly Activity[];
  /** Which capabilities the mix covers, for the report. */
  readonly covered: readonly string[];
}

const APPROVED_IDEAS = 30;

/**
 * Until the delivery outbox is on main: a publisher that still does database work in the caller's
 * unit of work (one row per publication), so the cost of publishing is not left out entirely.
 */
function rowPublisher(access: PrismaAccess): Publisher {
  let sequence = 0;
  return {
    async publish(request) {
      sequence += 1;
      await access.client().keyValue.create({ data: { key: `bench-publication:${request.origin}:${sequence}`, value: request.origin } });
      return { broadcastId: sequence, recipients: 0 };
    },
  };
}

async function seedSurvey(access: PrismaAccess, clock: Clock): Promise<void> {
  const store = createSurveyStore(access);
  await access.run(async () => {
    const survey = await store.create({
      key: "bench-dorfentwicklung",
      title: { de: "Dorfentwicklung 2027", en: "Village development 2027" },
      intro: { de: "Fünf kurze Fragen zu Ihrem Ort.", en: "Five short questions about your village." },
      areaId: null,
      opensAt: null,
      closesAt: new Date(clock.now().getTime() + 14 * 86_400_000),
      anonymous: true,
      allowChange: false,
      liveResults: false,
      questions: [
        { type: "single", text: { de: "Was fehlt am meisten?", en: "What is missing most?" }, required: true, allowOther: false, options: [{ de: "Bäcker", en: "Bakery" }, { de: "Arzt", en: "Doctor" }, { de: "Busverbindung", en: "Bus service" }] },
        { type: "multiple", text: { de: "Wofür soll Geld ausgegeben werden?", en: "What should money be spent on?" }, required: true, minPicks: 1, maxPicks: 2, allowOther: false, options: [{ de: "Radwege", en: "Cycle paths" }, { de: "Spielplatz", en: "Playground" }, { de: "Straßenlicht", en: "Street lights" }] },
        { type: "scale", text: { de: "Wie zufrieden sind Sie?", en: "How satisfied are you?" }, required: true, scaleMin: 1, scaleMax: 5, scaleMinLabel: { de: "gar nicht", en: "not at all" }, scaleMaxLabel: { de: "sehr", en: "very" } },
        { type: "yesno", text: { de: "Kommen Sie zum Dorffest?", en: "Are you coming to the village fair?" }, required: false },
        { type: "text", text: { de: "Ihre Anregung?", en: "Your suggestion?" }, required: true, maxLength: 300 },
      ],
    });
    await store.setStatus(survey.id, "open");
  });
}

async function seedIdeas(prisma: PrismaClient): Promise<void> {
  const author = await prisma.resident.create({ data: { locale: "de" } });
  const areas = await prisma.area.findMany({ where: { parentId: { not: null } }, select: { id: true } });
  await prisma.idea.createMany({
    data: Array.from({ length: APPROVED_IDEAS }, (_, i) => ({
      title: `Idee ${i + 1}: ${["Mitfahrbank", "Dorfladen", "Bücherschrank", "Bürgerbus", "Blühstreifen"][i % 5]}`,
      description: "Eine Idee aus dem Beispieldatensatz für den Leistungstest.",
      areaId: areas[i % areas.length]?.id ?? null,
      category: DEFAULT_IDEAS_CONFIG.categories[i % DEFAULT_IDEAS_CONFIG.categories.length] as string,
      authorId: author.id,
      status: "approved",
    })),
  });
}

const IDEA_TITLES = ["Mehr Sitzbänke am Dorfteich", "Tempo 30 vor der Grundschule", "Gemeinschaftsgarten hinter dem Dorfgemeinschaftshaus", "Trinkbrunnen am Sportplatz"];

/** Answers the open survey question by question, the way a person taps through it. */
async function answerSurvey(r: ResidentContext): Promise<void> {
  await r.press("surveys:list");
  if (!r.offers("surveys:open:")) return;
  await r.pick("surveys:open:");
  if (!r.offers("surveys:start:")) return; // answered already: the overview says so
  await r.pick("surveys:start:");
  for (let step = 0; step < 12; step++) {
    if (r.offers("surveys:send:")) return r.pick("surveys:send:");
    if (r.offers("surveys:tog:")) {
      await r.pick("surveys:tog:");
      if (r.offers("surveys:done:")) await r.pick("surveys:done:");
    } else if (r.offers("surveys:pick:")) {
      await r.pick("surveys:pick:");
    } else {
      await r.text(r.prng.pick(["Mehr Busse am Wochenende bitte.", "Ein Treffpunkt für Jugendliche.", "Alles gut so."]));
    }
  }
}

// Ideas start from their overview (menu → Ideas), where the buttons for new ideas and the lists are.
async function submitIdea(r: ResidentContext): Promise<void> {
  await r.press("ideas:open");
  await r.press("ideas:new");
  await r.text(r.prng.pick(IDEA_TITLES));
  await r.text("Das würde vielen Menschen im Ort helfen, besonders älteren Leuten und Familien mit Kindern.");
  if (r.offers("ideas:area:")) await r.pick("ideas:area:");
  if (r.offers("ideas:cat:")) await r.pick("ideas:cat:");
  if (r.offers("ideas:nophoto")) await r.press("ideas:nophoto");
  if (r.offers("ideas:send")) await r.press("ideas:send");
}

async function supportIdea(r: ResidentContext): Promise<void> {
  await r.press("ideas:open");
  await r.press(r.prng.next() < 0.5 ? "ideas:list:t:0" : "ideas:list:n:0");
  if (!r.offers("ideas:show:")) return;
  await r.pick("ideas:show:");
  if (r.offers("ideas:sup:")) await r.pick("ideas:sup:");
}

/** Builds the extra features and seeds what their activities need. */
export async function setupBenchFeatures(deps: FeatureSetupDeps): Promise<BenchFeatures> {
  const publisher = deps.publisher ?? rowPublisher(deps.access);
  await seedSurvey(deps.access, deps.clock);
  await seedIdeas(deps.prisma);
  const surveys = createSurveysFeature({
    timeZone: "Europe/Berlin",
    surveys: createSurveyStore(deps.access),
    audit: createAuditStore(deps.access),
    areas: deps.stores.areas,
    publisher,
    translator: deps.translator,
    clock: deps.clock,
    charts: { render: renderBarChart },
    organiser: "Samtgemeinde Oldendorf-Himmelpforten",
  });
  const ideas = createIdeasFeatures({
    ...createIdeaStores(deps.access),
    timeZone: "Europe/Berlin",
    areas: deps.stores.areas,
    residents: deps.stores.residents,
    publisher,
    translator: deps.translator,
    clock: deps.clock,
    config: DEFAULT_IDEAS_CONFIG,
  });
  return {
    features: [surveys, ...ideas],
    activities: [
      { name: "answer-survey", weight: 3, run: answerSurvey },
      { name: "submit-idea", weight: 1, run: submitIdea },
      { name: "support-idea", weight: 3, run: supportIdea },
    ],
    covered: ["onboarding", "menu", "settings", "help", "free text", "survey answering", "idea submit", "idea support"],
  };
}

/**
 * The core every conversation benchmark drives: the real stores and features on `prisma`,
 * assembled exactly as the app does, plus the activities the seeded features make possible.
 */
export async function buildBenchCore(deps: { prisma: PrismaClient; translator: Translator; clock: Clock; logger: Logger }) {
  const access = createPrismaAccess(deps.prisma);
  const stores = createFoundationStores(access);
  const extra = await setupBenchFeatures({ ...deps, access, stores });
  const core = assembleCore({
    stores,
    translator: deps.translator,
    clock: deps.clock,
    logger: deps.logger,
    privacy: privacyFactsOf(loadConfig({ PRIVACY_CONTACT: "datenschutz@example.org" })),
    extraFeatures: extra.features,
  });
  return { core, extra };
}
