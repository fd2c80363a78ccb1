import { renderBarChart, renderBarChartSvg } from "../../../../src/charts/bar-chart.js";
import { createAuditStore } from "../../../../src/storage/stores/audit-store.js";
import { createSurveysFeature } from "../../../../src/core/features/surveys/survey-feature.js";
import type { NewSurvey, NewSurveyQuestion, SurveyStore } from "../../../../src/core/ports/survey-store.js";
import type { PublishRequest, Publisher } from "../../../../src/core/ports/publisher.js";
import type { Survey } from "../../../../src/core/model/survey.js";
import type { Feature } from "../../../../src/core/conversation/feature.js";
import type { Clock } from "../../../../src/core/ports/clock.js";
import { createTranslator } from "../../../../src/i18n/translator.js";
import type { PrismaAccess } from "../../../../src/storage/prisma-access.js";
import { createAreaStore } from "../../../../src/storage/stores/area-store.js";
import { createSurveyStore } from "../../../../src/storage/stores/survey-store.js";
import { createCoreHarness, type CoreHarness, type Person } from "../../../support/core-harness.js";

/** A Publisher for tests: records requests and writes a KeyValue row in the caller's unit of work. */
export interface RecordingPublisher extends Publisher {
  readonly requests: PublishRequest[];
  failNext: boolean;
}

export interface SurveyHarness {
  readonly h: CoreHarness;
  readonly store: SurveyStore;
  readonly publisher: RecordingPublisher;
  /** Creates a survey and opens it (no announcement), returning it. */
  addOpenSurvey(survey: Partial<NewSurvey> & Pick<NewSurvey, "questions">): Promise<Survey>;
  grantAdmin(identity: string): Promise<void>;
}

let keys = 0;

/** The surveys feature over `access`, with a recording Publisher; shared by the channel end-to-end tests. */
export async function createRecordingSurveys(options: {
  readonly access: PrismaAccess;
  readonly clock: Clock;
  readonly tokenSecret?: string;
}): Promise<{ feature: Feature; store: SurveyStore; publisher: RecordingPublisher }> {
  const { access } = options;
  const store = createSurveyStore(access, options.tokenSecret ? { tokenSecret: options.tokenSecret } : {});
  const requests: PublishRequest[] = [];
  const publisher: RecordingPublisher = {
    requests,
    failNext: false,
    async publish(request) {
      await access.client().keyValue.create({ data: { key: `test-outbox:${request.origin}:${requests.length}`, value: request.title } });
      if (publisher.failNext) {
        publisher.failNext = false;
        throw new Error("outbox unavailable");
      }
      requests.push(request);
      return { broadcastId: requests.length, recipients: 3 };
    },
  };
  const feature = createSurveysFeature({
    timeZone: "Europe/Berlin",
    surveys: store,
    audit: createAuditStore(access),
    areas: createAreaStore(access),
    publisher,
    translator: await createTranslator(),
    clock: options.clock,
    charts: { render: renderBarChart, renderSvg: renderBarChartSvg },
    organiser: "Samtgemeinde Oldendorf-Himmelpforten",
  });
  return { feature, store, publisher };
}

/** Creates `survey` with a unique key and opens it (no announcement). */
export async function addOpenSurvey(
  access: PrismaAccess,
  store: SurveyStore,
  now: Date,
  input: Partial<NewSurvey> & Pick<NewSurvey, "questions">,
): Promise<Survey> {
  return access.run(async () => {
    const created = await store.create({
      key: `test-${++keys}`,
      title: { de: "Testumfrage", en: "Test survey" },
      intro: { de: "Worum es geht.", en: "What it is about." },
      areaId: null,
      opensAt: null,
      closesAt: new Date(now.getTime() + 7 * 86_400_000),
      anonymous: true,
      allowChange: false,
      liveResults: false,
      ...input,
    });
    const opened = await store.setStatus(created.id, "open");
    if (!opened) throw new Error("survey vanished");
    return opened;
  });
}

/** The core harness plus the surveys feature over the same database. */
export async function createSurveyHarness(options: { tokenSecret?: string } = {}): Promise<SurveyHarness> {
  let harness: CoreHarness | undefined;
  const current = (): CoreHarness => {
    if (!harness) throw new Error("harness not ready");
    return harness;
  };
  // The harness creates its database first; these forward to it once it exists.
  const access: PrismaAccess = { client: () => current().access.client(), run: (work) => current().access.run(work) };
  const { feature, store, publisher } = await createRecordingSurveys({
    access,
    clock: { now: () => current().clock.now() },
    ...(options.tokenSecret ? { tokenSecret: options.tokenSecret } : {}),
  });
  harness = await createCoreHarness({ extraFeatures: [feature] });
  const h = harness;
  return {
    h,
    store,
    publisher,
    addOpenSurvey: (input) => addOpenSurvey(h.access, store, h.clock.now(), input),
    async grantAdmin(identity) {
      await h.db.prisma.roleAssignment.create({ data: { identity, role: "admin", scope: "*", grantedBy: "test" } });
    },
  };
}

/** The last reply's choice whose label contains `label`. */
export function choiceAction(replies: readonly { choices: { label: string; action: string }[] }[], label: string): string {
  const found = replies
    .flatMap((r) => r.choices)
    .reverse()
    .find((c) => c.label.includes(label));
  if (!found) throw new Error(`no choice "${label}" in ${JSON.stringify(replies.map((r) => r.choices.map((c) => c.label)))}`);
  return found.action;
}

export const texts = (replies: readonly { text: string }[]) => replies.map((r) => r.text).join("\n---\n");

export type { Person };

/** One question of every type. */
export const ALL_TYPES: NewSurveyQuestion[] = [
  { type: "single", text: { de: "Was fehlt?", en: "What is missing?" }, required: true, allowOther: true, options: [{ de: "Bäcker", en: "Bakery" }, { de: "Arzt", en: "Doctor" }, { de: "Bus", en: "Bus" }] },
  { type: "multiple", text: { de: "Wofür Geld?", en: "Spend money on?" }, required: true, minPicks: 1, maxPicks: 2, allowOther: true, options: [{ de: "Radwege", en: "Cycle paths" }, { de: "Spielplatz", en: "Playground" }, { de: "Licht", en: "Street lights" }] },
  { type: "scale", text: { de: "Wie zufrieden?", en: "How satisfied?" }, required: true, scaleMin: 1, scaleMax: 5, scaleMinLabel: { de: "gar nicht", en: "not at all" }, scaleMaxLabel: { de: "sehr", en: "very" } },
  { type: "yesno", text: { de: "Ins Dorffest?", en: "Coming to the fair?" }, required: false },
  { type: "text", text: { de: "Ihre Idee?", en: "Your idea?" }, required: true, maxLength: 20 },
];
