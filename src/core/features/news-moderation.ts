import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { Locale } from "../model/locale.js";
import type { OutboundMessage } from "../model/outbound-message.js";
import type { Clock } from "../ports/clock.js";
import type { Initiative, InitiativeStore, NewsItem } from "../ports/initiatives.js";
import type { PhotoStore, StoredPhoto } from "../ports/photo-store.js";
import type { BroadcastMessage, Publisher } from "../ports/publisher.js";
import type { AreaStore } from "../ports/stores.js";
import type { Translator } from "../ports/translator.js";
import { actorOf, idAndRest, mayAct, parseId, targetInScope } from "./ideas/access.js";
import type { ModerationQueueSource } from "./ideas/ideas-deps.js";
import type { ReportSubjects } from "./ideas/reversal.js";
import type { AuditStore, ModerationStore } from "./ideas/idea-ports.js";
import { toModerators } from "./ideas/moderators.js";
import { renderNews } from "./news-format.js";
import { storedPhoto } from "./photo-step.js";

/** What moderating news needs: the news, the moderators' reach (chat or staff) and the audit log. */
export interface NewsModerationDeps {
  readonly initiatives: InitiativeStore;
  readonly areas: AreaStore;
  readonly photos: PhotoStore;
  readonly moderation: ModerationStore;
  readonly audit: AuditStore;
  readonly publisher: Publisher;
  readonly translator: Translator;
  readonly clock: Clock;
}

const FEATURE = "newsmod";
const REASON_MAX = 500;
const QUEUE_LIMIT = 200;

/** The photo of a news item, if it has one that is still stored. */
export async function photoOfNews(deps: Pick<NewsModerationDeps, "photos">, item: NewsItem): Promise<StoredPhoto | undefined> {
  return storedPhoto(deps.photos, item.photoId);
}

/** The image of a news item's photo in `locale`, for a message. */
function newsImage(deps: Pick<NewsModerationDeps, "translator">, photo: StoredPhoto | undefined, initiative: Initiative, locale: Locale) {
  return photo ? { image: { bytes: photo.bytes, alt: deps.translator.t(locale, "initiatives:news-photo-alt", { name: initiative.name }) } } : {};
}

/** Delivers a published item, with its photo, to the "news" feed of its initiative's area and to its followers. */
export async function publishNews(
  deps: Pick<NewsModerationDeps, "publisher" | "translator" | "photos">,
  item: NewsItem,
  initiative: Initiative,
): Promise<void> {
  const photo = await photoOfNews(deps, item);
  await deps.publisher.publish({
    audience: { kind: "feed", feed: "news", areaId: initiative.areaId, initiativeId: initiative.id },
    origin: `news:${item.id}:published`,
    title: `${initiative.name}: ${item.text.slice(0, 60)}`,
    content: (locale) => ({ html: renderNews(deps.translator, locale, item, initiative.name), ...newsImage(deps, photo, initiative, locale) }),
  });
}

/** The card moderators see for a pending news item, with its photo and Approve / Reject choices. */
export function newsModerationCard(
  deps: Pick<NewsModerationDeps, "translator">,
  item: NewsItem,
  initiative: Initiative,
  place: string | null,
  locale: Locale,
  photo?: StoredPhoto,
): BroadcastMessage {
  const t = (key: string, values?: Record<string, string | number>) => deps.translator.t(locale, key, values);
  return {
    ...newsImage(deps, photo, initiative, locale),
    html: [
      t("initiatives:mod-card", { id: item.id, area: place ?? t("ideas:no-area"), author: item.authorId }),
      renderNews(deps.translator, locale, item, initiative.name),
    ].join("\n"),
    choices: [
      [
        { label: t("initiatives:mod-approve-id", { id: item.id }), action: `${FEATURE}:ok:${item.id}` },
        { label: t("initiatives:mod-reject-id", { id: item.id }), action: `${FEATURE}:no:${item.id}` },
      ],
    ],
  };
}

async function placeOf(deps: Pick<NewsModerationDeps, "areas">, initiative: Initiative): Promise<string | null> {
  return initiative.areaId === null ? null : ((await deps.areas.get(initiative.areaId))?.name ?? null);
}

/** Sends a newly posted pending item to the moderation chat or the moderators of its area. */
export async function announcePendingNews(deps: NewsModerationDeps, item: NewsItem, initiative: Initiative): Promise<void> {
  const place = await placeOf(deps, initiative);
  const photo = await photoOfNews(deps, item);
  await toModerators(deps, initiative.areaId, `news:${item.id}:pending`, (locale) =>
    newsModerationCard(deps, item, initiative, place, locale, photo),
  );
}

/** Pending news for /queue, only of initiatives whose area this moderator is responsible for. */
export function createNewsQueueSource(deps: NewsModerationDeps): ModerationQueueSource {
  return {
    async pendingCards(turn, offset, limit) {
      const mine: { item: NewsItem; initiative: Initiative }[] = [];
      for (const item of await deps.initiatives.pendingNews(QUEUE_LIMIT)) {
        const initiative = await deps.initiatives.get(item.initiativeId);
        if (initiative && (await mayAct(turn, deps.areas, "moderator", initiative.areaId))) mine.push({ item, initiative });
      }
      const cards: OutboundMessage[] = [];
      for (const { item, initiative } of mine.slice(offset, offset + Math.max(0, limit))) {
        const photo = await photoOfNews(deps, item);
        cards.push(newsModerationCard(deps, item, initiative, await placeOf(deps, initiative), turn.locale, photo));
      }
      return { total: mine.length, cards };
    },
  };
}

/** What a reported news item is about, for /reports: its initiative's area and the item as residents see it. */
export function createNewsReportSubjects(deps: NewsModerationDeps): ReportSubjects {
  return {
    async news(turn, newsId) {
      const item = await deps.initiatives.getNews(newsId);
      const initiative = item ? await deps.initiatives.get(item.initiativeId) : undefined;
      if (!item || !initiative) return undefined;
      const status = turn.t(`initiatives:news-status-${item.status}`);
      return { areaId: initiative.areaId, html: `${turn.t("initiatives:report-subject", { id: item.id, status })}\n${renderNews(deps.translator, turn.locale, item, initiative.name)}` };
    },
  };
}

/**
 * Moderation of news from initiatives that are not trusted: `/news_approve ID`, `/reject_news ID
 * REASON` and the Approve / Reject choices of the card. Both decisions are conditional updates of
 * a pending item, so of two moderators acting at once exactly one wins; the author hears the
 * outcome in their own language and every decision lands in the audit log.
 */
export function createNewsModerationFeature(deps: NewsModerationDeps): Feature {
  /** The item and its initiative when the sender may moderate it; otherwise answers and returns undefined. */
  async function target(turn: Turn, id: number | undefined): Promise<{ item: NewsItem; initiative: Initiative } | undefined> {
    return targetInScope(
      turn,
      deps.areas,
      "moderator",
      async () => {
        const item = id === undefined ? undefined : await deps.initiatives.getNews(id);
        const initiative = item ? await deps.initiatives.get(item.initiativeId) : undefined;
        return item && initiative ? { item, initiative } : undefined;
      },
      (found) => found.initiative.areaId,
      () => turn.say("initiatives:news-not-found-for-you", { id: id ?? "?" }),
      () => turn.say("initiatives:moderators-only"),
    );
  }

  async function explainDecided(turn: Turn, id: number): Promise<void> {
    const current = await deps.initiatives.getNews(id);
    turn.say("initiatives:news-conflict", { id, status: turn.t(`initiatives:news-status-${current?.status ?? "rejected"}`) });
  }

  async function tellAuthor(item: NewsItem, initiative: Initiative, key: string, reason: string | null): Promise<void> {
    if (item.authorResidentId === null) return;
    await deps.publisher.publish({
      audience: { kind: "residents", residentIds: [item.authorResidentId] },
      origin: `news:${item.id}:author-${item.status}`,
      title: `News ${item.id}: ${item.status}`,
      content: (locale) => ({
        html: deps.translator.t(locale, key, { id: item.id, name: initiative.name, text: item.text.slice(0, 80), reason: reason ?? "" }),
      }),
    });
  }

  async function approve(turn: Turn, id: number | undefined): Promise<void> {
    const found = await target(turn, id);
    if (!found) return;
    const item = await deps.initiatives.approveNews(found.item.id, deps.clock.now());
    if (!item) return explainDecided(turn, found.item.id);
    await deps.audit.record(actorOf(turn), "news.approve", "news", item.id, null);
    await publishNews(deps, item, found.initiative);
    await tellAuthor(item, found.initiative, "initiatives:notify-news-approved", null);
    turn.say("initiatives:approved", { id: item.id, name: found.initiative.name });
  }

  async function reject(turn: Turn, args: string): Promise<void> {
    const { id, rest } = idAndRest(args);
    if (id === undefined || rest.length === 0) {
      turn.say("initiatives:reject-usage");
      return;
    }
    const found = await target(turn, id);
    if (!found) return;
    const reason = rest.slice(0, REASON_MAX);
    const item = await deps.initiatives.rejectNews(found.item.id, reason);
    if (!item) return explainDecided(turn, found.item.id);
    await deps.audit.record(actorOf(turn), "news.reject", "news", item.id, reason);
    await tellAuthor(item, found.initiative, "initiatives:notify-news-rejected", reason);
    turn.say("initiatives:rejected", { id: item.id, name: found.initiative.name, reason });
  }

  return {
    id: FEATURE,
    commands: [
      {
        name: "news_approve",
        scope: "any",
        audience: "moderator",
        descriptionKey: "initiatives:command-approve",
        run: (turn, args) => approve(turn, parseId(args)),
      },
      {
        name: "reject_news",
        scope: "any",
        audience: "moderator",
        descriptionKey: "initiatives:command-reject",
        run: (turn, args) => reject(turn, args),
      },
    ],
    async handleAction(turn, verb, args) {
      const id = parseId(args[0]);
      if (verb === "ok") return approve(turn, id);
      if (verb === "no") {
        // A button carries no text, and groups only let the bot read commands: ask for the command with a reason.
        const found = await target(turn, id);
        if (!found) return;
        if (found.item.status !== "pending") return explainDecided(turn, found.item.id);
        return turn.say("initiatives:reject-how", { id: found.item.id, prefix: turn.capabilities.commandPrefix });
      }
      turn.say("common:stale-action");
    },
  };
}
