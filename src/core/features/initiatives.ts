import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import { areaLineage } from "../model/area-tree.js";
import type { InboundPhoto } from "../model/photo.js";
import { isInitiativeSlug } from "../model/initiative-slug.js";
import { grantsAllow, type RoleGrant } from "../model/role.js";
import type { Clock } from "../ports/clock.js";
import type { FeedPreferenceStore } from "../ports/feed-preferences.js";
import type { Initiative, InitiativeStore, NewsItem } from "../ports/initiatives.js";
import type { Publisher } from "../ports/publisher.js";
import type { AreaStore } from "../ports/stores.js";
import type { Translator } from "../ports/translator.js";
import { choiceRows } from "../render/choice-rows.js";
import { definePageAction, pageNavigation, renderPage } from "../render/pager.js";
import type { IdeaStore } from "./ideas/idea-ports.js";
import { actorOf } from "./ideas/access.js";
import { fileReport } from "./ideas/participation.js";
import { newsPhotoChoices, parseEventDate, renderNews, shortNewsText } from "./news-format.js";
import { announcePendingNews, photoOfNews, publishNews, type NewsModerationDeps } from "./news-moderation.js";
import { askForPhoto, imageOf, keepPhoto, photoIdIn, storedPhoto } from "./photo-step.js";
import { areaChoices, pickArea } from "./preference-choices.js";

export interface InitiativesDeps extends NewsModerationDeps {
  readonly initiatives: InitiativeStore;
  readonly areas: AreaStore;
  readonly preferences: FeedPreferenceStore;
  readonly publisher: Publisher;
  readonly translator: Translator;
  readonly clock: Clock;
  /** Where reports of news items are stored (the ideas' report table, target type "news"). */
  readonly reports: Pick<IdeaStore, "report">;
}

const FEATURE = "initiatives";
/** Initiatives per page of the list: each is a button (a numbered line without buttons). */
const INITIATIVES_PER_PAGE = 8;
/** How far back the paged news lists reach (newest first). */
const NEWS_WINDOW = 50;
/** Pages of the list ("initiatives:lp:<area id or all>:P"), a profile's news ("sp:ID:P"), followed news ("np:P"). */
export const LIST_PAGES = definePageAction(FEATURE, "lp", 1);
export const PROFILE_PAGES = definePageAction(FEATURE, "sp", 1);
export const NEWS_PAGES = definePageAction(FEATURE, "np");
const ALL_AREAS = "all";
const MAX_NEWS_LENGTH = 2000;
const SKIP = "-";

/** Initiative ids this person manages (role initiative_manager, scope "initiative:<id>"). */
export function managedInitiativeIds(grants: readonly RoleGrant[]): number[] {
  return grants.flatMap((g) => {
    const match = g.role === "initiative_manager" ? /^initiative:(\d+)$/.exec(g.scope) : null;
    return match ? [Number(match[1])] : [];
  });
}

/**
 * Initiatives and their news: residents browse by area, follow, read the news of what they follow
 * and choose immediate or daily delivery, and report an inappropriate item; managers post news
 * (`/news`), moderated unless the initiative is trusted (see news-moderation.ts).
 */
export function createInitiativesFeature(deps: InitiativesDeps): Feature {
  const back = (turn: Turn) => ({ label: turn.t("menu:back"), action: "menu:open" });

  async function listForArea(turn: Turn, areaId: number | null, page = 1): Promise<void> {
    const areas = await deps.areas.list();
    const lineage = new Set(areaLineage(areas, areaId));
    const ids = areas.filter((a) => lineage.has(a.slug)).map((a) => a.id);
    const list = await deps.initiatives.listForAreas(ids);
    const place = areas.find((a) => a.id === areaId)?.name ?? turn.t("initiatives:everywhere");
    // A district has hundreds of associations: a page of buttons at a time.
    const nav = pageNavigation(turn, {
      requested: page,
      pageCount: Math.ceil(list.length / INITIATIVES_PER_PAGE),
      action: LIST_PAGES,
      keys: [areaId ?? ALL_AREAS],
    });
    const shown = list.slice((nav.page - 1) * INITIATIVES_PER_PAGE, nav.page * INITIATIVES_PER_PAGE);
    const choices = shown.map((i) => ({ label: i.name, action: `${FEATURE}:show:${i.id}` }));
    const intro = turn.t(list.length > 0 ? "initiatives:list" : "initiatives:list-empty", { place });
    turn.reply({
      html: nav.line ? `${intro}\n\n${nav.line}` : intro,
      choices: [
        ...choiceRows(choices, 1),
        ...(nav.choices.length > 0 ? [[...nav.choices]] : []),
        [
          { label: turn.t("initiatives:other-place"), action: `${FEATURE}:areas` },
          { label: turn.t("initiatives:my-news"), action: `${FEATURE}:news` },
        ],
        [{ label: turn.t("initiatives:delivery-mode"), action: `${FEATURE}:mode` }, back(turn)],
      ],
    });
  }

  async function showProfile(turn: Turn, id: number, page = 1): Promise<void> {
    const initiative = await deps.initiatives.get(id);
    if (!initiative) {
      turn.say("common:stale-action");
      return;
    }
    const following = await deps.initiatives.isFollowing(turn.resident.id, id);
    const lines = [turn.t("initiatives:profile-name", { name: initiative.name })];
    if (initiative.description) lines.push(turn.t("initiatives:profile-description", { text: initiative.description }));
    if (initiative.contact) lines.push(turn.t("initiatives:profile-contact", { contact: initiative.contact }));
    if (initiative.link) lines.push(turn.t("initiatives:profile-link", { link: initiative.link }));
    const latest = await deps.initiatives.latestNewsOf(id, NEWS_WINDOW);
    if (latest.length > 0) lines.push("", turn.t("initiatives:profile-news"));
    // News items are up to 2,000 characters each: as many as fit a page, the older ones on the next.
    const view = renderPage(turn, {
      header: lines.join("\n"),
      items: latest.map((item) => ({ html: renderNews(deps.translator, turn.locale, item, initiative.name), value: item })),
      page,
      action: PROFILE_PAGES,
      keys: [id],
      separator: "\n\n",
      reserve: 300,
    });
    const news = view.items;
    const logo = page === 1 ? await deps.initiatives.logoOf(id) : undefined;
    turn.reply({
      html: view.html,
      ...(logo ? { image: { bytes: logo, alt: turn.t("initiatives:logo-alt", { name: initiative.name }) } } : {}),
      choices: [
        ...newsPhotoChoices(deps.translator, turn.locale, news),
        ...reportChoices(turn, news),
        [
          following
            ? { label: turn.t("initiatives:unfollow"), action: `${FEATURE}:unfollow:${id}` }
            : { label: turn.t("initiatives:follow"), action: `${FEATURE}:follow:${id}` },
          { label: turn.t("initiatives:back-to-list"), action: `${FEATURE}:open` },
        ],
        ...(view.navigation.length > 0 ? [[...view.navigation]] : []),
      ],
    });
  }

  async function showFollowedNews(turn: Turn, page = 1): Promise<void> {
    const latest = await deps.initiatives.latestNewsFor(turn.resident.id, NEWS_WINDOW);
    const followed = await deps.initiatives.followedBy(turn.resident.id);
    const choices = [[{ label: turn.t("initiatives:back-to-list"), action: `${FEATURE}:open` }, back(turn)]];
    if (followed.length === 0) {
      turn.say("initiatives:follow-none", {}, choices);
      return;
    }
    const view = renderPage(turn, {
      header: turn.t("initiatives:my-news-title", { names: followed.map((i) => i.name).join(", ") }),
      items: latest.map((item) => ({ html: renderNews(deps.translator, turn.locale, item, item.initiativeName), value: item })),
      page,
      action: NEWS_PAGES,
      separator: "\n\n",
      reserve: 300,
    });
    const news = view.items;
    turn.reply({
      html: view.html,
      choices: [
        ...newsPhotoChoices(deps.translator, turn.locale, news),
        ...reportChoices(turn, news),
        ...(view.navigation.length > 0 ? [[...view.navigation]] : []),
        ...choices,
      ],
    });
    if (latest.length === 0) turn.say("initiatives:no-news-yet");
  }

  /** One "Report: <start of the text>" choice per shown item. */
  function reportChoices(turn: Turn, news: readonly NewsItem[]) {
    return news.map((item) => {
      return [{ label: turn.label("initiatives:report-news", { text: shortNewsText(item.text) }), action: `${FEATURE}:report:${item.id}` }];
    });
  }

  /** A published item the resident may report; blocked residents and unknown items are answered here. */
  async function reportable(turn: Turn, id: number | undefined): Promise<{ item: NewsItem; initiative: Initiative } | undefined> {
    if (turn.resident.blockedAt) {
      turn.leave();
      turn.say("ideas:blocked");
      return undefined;
    }
    const item = id === undefined || !Number.isInteger(id) ? undefined : await deps.initiatives.getNews(id);
    const initiative = item?.status === "published" ? await deps.initiatives.get(item.initiativeId) : undefined;
    if (!item || !initiative) {
      turn.leave();
      turn.say("common:stale-action");
      return undefined;
    }
    return { item, initiative };
  }

  /** A published item's photo on its own, with the item's text as caption. */
  async function showPhoto(turn: Turn, id: number): Promise<void> {
    const item = Number.isInteger(id) ? await deps.initiatives.getNews(id) : undefined;
    const initiative = item?.status === "published" ? await deps.initiatives.get(item.initiativeId) : undefined;
    const photo = item && initiative ? await photoOfNews(deps, item) : undefined;
    if (!item || !initiative || !photo) {
      turn.say("common:stale-action");
      return;
    }
    turn.reply({
      html: renderNews(deps.translator, turn.locale, item, initiative.name),
      image: { bytes: photo.bytes, alt: turn.t("initiatives:news-photo-alt", { name: initiative.name }) },
      choices: [[{ label: turn.t("initiatives:my-news"), action: `${FEATURE}:news` }, back(turn)]],
    });
  }

  async function askReportReason(turn: Turn, id: number): Promise<void> {
    const found = await reportable(turn, id);
    if (!found) return;
    turn.enter(FEATURE, "report", { newsId: found.item.id });
    turn.say("initiatives:ask-report-reason", { id: found.item.id }, [
      [{ label: turn.t("ideas:report-without-reason"), action: `${FEATURE}:repx:${found.item.id}` }],
      [{ label: turn.t("ideas:cancel"), action: `${FEATURE}:open` }],
    ]);
  }

  async function report(turn: Turn, id: number | undefined, reason: string | null): Promise<void> {
    const found = await reportable(turn, id);
    if (!found) return;
    turn.leave();
    const { item, initiative } = found;
    const title = `${initiative.name}: ${item.text.slice(0, 60)}`;
    await fileReport({ ...deps, ideas: deps.reports }, turn, "news", item.id, initiative.areaId, title, reason?.slice(0, 500) ?? null);
  }

  async function showMode(turn: Turn): Promise<void> {
    const mode = await deps.preferences.modeOf(turn.resident.id, "news");
    turn.say(mode === "digest" ? "initiatives:mode-digest" : "initiatives:mode-immediate", {}, [
      [
        { label: turn.t("initiatives:choose-immediate"), action: `${FEATURE}:setmode:immediate` },
        { label: turn.t("initiatives:choose-digest"), action: `${FEATURE}:setmode:digest` },
      ],
      [{ label: turn.t("initiatives:back-to-list"), action: `${FEATURE}:open` }],
    ]);
  }

  async function startPosting(turn: Turn): Promise<void> {
    const managed = managedInitiativeIds(await turn.roles());
    const initiatives = (await Promise.all(managed.map((id) => deps.initiatives.get(id)))).filter(
      (i): i is Initiative => i !== undefined,
    );
    if (initiatives.length === 0) {
      turn.say("initiatives:not-a-manager");
      return;
    }
    if (initiatives.length === 1) return askText(turn, initiatives[0]!);
    turn.say(
      "initiatives:post-which",
      {},
      choiceRows(initiatives.map((i) => ({ label: i.name, action: `${FEATURE}:post:${i.id}` }))),
    );
  }

  async function askText(turn: Turn, initiative: Initiative): Promise<void> {
    turn.enter(FEATURE, "text", { initiativeId: initiative.id });
    turn.say("initiatives:post-text", { name: initiative.name }, [cancelPostRow(turn)]);
  }

  /** Every step of writing news can be left; nothing is submitted before "Send" on the preview. */
  const cancelPostRow = (turn: Turn) => [{ label: turn.t("initiatives:post-cancel"), action: `${FEATURE}:pcancel` }];
  /** While one part is changed from the preview: back to it unchanged, or discard the draft. */
  const editRows = (turn: Turn) => [[{ label: turn.t("initiatives:post-back-to-preview"), action: `${FEATURE}:pedit:back` }], cancelPostRow(turn)];
  const editing = (turn: Turn): boolean => turn.state.data["editing"] === true;
  const stepRows = (turn: Turn) => (editing(turn) ? editRows(turn) : [cancelPostRow(turn)]);
  const POST_STEPS = ["text", "date", "place", "photo", "confirm"];
  const isPosting = (turn: Turn): boolean => turn.state.flow === FEATURE && POST_STEPS.includes(turn.state.step ?? "");

  /** The draft as the flow keeps it: text, event date (ISO), place and photo id. */
  function postDraft(data: Readonly<Record<string, unknown>>) {
    return {
      text: typeof data["text"] === "string" ? data["text"] : "",
      eventDate: typeof data["eventDate"] === "string" ? new Date(data["eventDate"]) : null,
      place: typeof data["place"] === "string" ? data["place"] : null,
      photoId: photoIdIn(data) ?? null,
    };
  }

  /**
   * The news as followers will see it, with Send / Change / Cancel: nothing is submitted (and no
   * moderator or follower told) before the manager sends it.
   */
  async function preview(turn: Turn, initiative: Initiative, data: Readonly<Record<string, unknown>>): Promise<void> {
    const { editing: _done, ...kept } = data;
    turn.enter(FEATURE, "confirm", kept);
    const draft = postDraft(kept);
    const image = await imageOf(deps.photos, draft.photoId, turn.t("initiatives:news-photo-alt", { name: initiative.name }));
    const html = [
      turn.t("initiatives:post-preview"),
      renderNews(deps.translator, turn.locale, draft, initiative.name),
      turn.t(initiative.trusted ? "initiatives:post-preview-trusted" : "initiatives:post-preview-moderated"),
    ].join("\n\n");
    turn.reply({
      html,
      choices: [
        [{ label: turn.t("initiatives:post-send"), action: `${FEATURE}:psend` }],
        [{ label: turn.t("initiatives:post-change"), action: `${FEATURE}:pchange` }],
        cancelPostRow(turn),
      ],
      ...(image ? { image } : {}),
    });
  }

  /** "Change" on the preview: which part; each answer returns to the preview, the rest stays. */
  async function changePart(turn: Turn, part: string | undefined): Promise<void> {
    const initiative = await postingFor(turn);
    if (!initiative) return;
    const data = turn.state.data;
    switch (part) {
      case undefined:
        turn.say("initiatives:post-change-which", {}, [
          [
            { label: turn.t("initiatives:post-change-text"), action: `${FEATURE}:pedit:text` },
            { label: turn.t("initiatives:post-change-date"), action: `${FEATURE}:pedit:date` },
          ],
          [
            { label: turn.t("initiatives:post-change-place"), action: `${FEATURE}:pedit:place` },
            { label: turn.t("initiatives:post-change-photo"), action: `${FEATURE}:pedit:photo` },
          ],
          ...editRows(turn),
        ]);
        return;
      case "back":
        return preview(turn, initiative, data);
      case "text":
        turn.enter(FEATURE, "text", { ...data, editing: true });
        turn.say("initiatives:post-new-text", { max: MAX_NEWS_LENGTH }, editRows(turn));
        return;
      case "date":
        turn.enter(FEATURE, "date", { ...data, editing: true });
        turn.say("initiatives:post-date", { skip: SKIP }, editRows(turn));
        return;
      case "place":
        turn.enter(FEATURE, "place", { ...data, editing: true });
        turn.say("initiatives:post-place", { skip: SKIP }, editRows(turn));
        return;
      case "photo":
        turn.enter(FEATURE, "photo", { ...data, editing: true });
        askForPhoto(turn, "initiatives:post-photo", { skip: SKIP }, photoChoices(turn));
        return;
      default:
        turn.say("common:stale-action");
    }
  }

  function cancelPost(turn: Turn): void {
    turn.leave();
    turn.say("initiatives:post-cancelled");
  }

  /** The initiative the manager is posting for, if they still manage it; otherwise answers. */
  async function postingFor(turn: Turn): Promise<Initiative | undefined> {
    const initiativeId = turn.state.data["initiativeId"];
    const initiative = typeof initiativeId === "number" ? await deps.initiatives.get(initiativeId) : undefined;
    // The role may have been withdrawn while the manager was typing.
    if (!initiative || !managedInitiativeIds(await turn.roles()).includes(initiative.id)) {
      turn.leave();
      turn.say("initiatives:not-a-manager");
      return undefined;
    }
    return initiative;
  }

  const photoChoices = (turn: Turn) => [[{ label: turn.t("initiatives:post-without-photo"), action: `${FEATURE}:nophoto` }], ...stepRows(turn)];

  async function handlePostText(turn: Turn, text: string): Promise<void> {
    const data = turn.state.data;
    if (turn.state.step === "report") {
      const newsId = typeof data["newsId"] === "number" ? data["newsId"] : undefined;
      return report(turn, newsId, text.trim() || null);
    }
    const initiative = await postingFor(turn);
    if (!initiative) return;
    const value = text.trim();
    if (turn.state.step === "text") {
      if (value.length === 0 || value.length > MAX_NEWS_LENGTH) {
        turn.say("initiatives:post-text-length", { max: MAX_NEWS_LENGTH }, stepRows(turn));
        return;
      }
      if (editing(turn)) return preview(turn, initiative, { ...data, text: value });
      turn.enter(FEATURE, "date", { ...data, text: value });
      turn.say("initiatives:post-date", { skip: SKIP }, [cancelPostRow(turn)]);
      return;
    }
    if (turn.state.step === "date") {
      const date = value === SKIP ? null : parseEventDate(value);
      if (date === undefined) {
        turn.say("initiatives:post-date-invalid", { skip: SKIP }, stepRows(turn));
        return;
      }
      const eventDate = date ? date.toISOString() : null;
      if (editing(turn)) return preview(turn, initiative, { ...data, eventDate });
      turn.enter(FEATURE, "place", { ...data, eventDate });
      turn.say("initiatives:post-place", { skip: SKIP }, [cancelPostRow(turn)]);
      return;
    }
    if (turn.state.step === "place") {
      const place = value === SKIP || value === "" ? null : value.slice(0, 200);
      if (editing(turn)) return preview(turn, initiative, { ...data, place });
      turn.enter(FEATURE, "photo", { ...data, place });
      askForPhoto(turn, "initiatives:post-photo", { skip: SKIP }, photoChoices(turn));
      return;
    }
    if (turn.state.step === "confirm") {
      turn.say("initiatives:post-use-choices");
      return preview(turn, initiative, data);
    }
    // step "photo": text instead of a photo
    if (value === SKIP) return preview(turn, initiative, withoutPhoto(data));
    askForPhoto(turn, "initiatives:post-photo", { skip: SKIP }, photoChoices(turn));
  }

  async function handlePostPhoto(turn: Turn, photo: InboundPhoto): Promise<void> {
    if (turn.state.flow !== FEATURE || turn.state.step !== "photo") {
      const early = turn.state.step === "text" || turn.state.step === "date" || turn.state.step === "place";
      turn.say(early ? "initiatives:post-photo-not-now" : "common:photo-not-expected");
      return;
    }
    const initiative = await postingFor(turn);
    if (!initiative) return;
    const photoId = await keepPhoto(deps.photos, turn, photo, photoChoices(turn));
    if (photoId !== undefined) await preview(turn, initiative, { ...turn.state.data, photoId });
  }

  const withoutPhoto = (data: Readonly<Record<string, unknown>>) => {
    const { photoId: _dropped, ...rest } = data;
    return rest;
  };

  /** "Send" on the preview: submits the news as previewed (for moderation unless trusted). */
  async function finishPost(turn: Turn, initiative: Initiative): Promise<void> {
    const { text, eventDate, place, photoId } = postDraft(turn.state.data);
    if (text.length === 0) {
      turn.leave();
      turn.say("common:stale-action");
      return;
    }
    const item = await deps.initiatives.addNews({
      initiativeId: initiative.id,
      authorId: turn.event.senderId,
      authorResidentId: turn.resident.id,
      text,
      eventDate,
      place,
      photoId: (await storedPhoto(deps.photos, photoId))?.id ?? null,
      status: initiative.trusted ? "published" : "pending",
      now: deps.clock.now(),
    });
    await deps.audit.record(actorOf(turn), `news.submit_${item.status}`, "news", item.id, initiative.slug);
    turn.leave();
    if (item.status === "published") {
      await publishNews(deps, item, initiative);
      turn.say("initiatives:posted-published");
    } else {
      await announcePendingNews(deps, item, initiative);
      turn.say("initiatives:posted-pending", { id: item.id });
    }
  }

  /** `/initiative_add SLUG NAME`: admins everywhere ("*") create an initiative of the whole municipality. */
  async function addInitiative(turn: Turn, args: string): Promise<void> {
    if (!grantsAllow(await turn.roles(), "admin", [])) {
      turn.say("initiatives:admins-only");
      return;
    }
    const [slug = "", ...words] = args.trim().split(/\s+/);
    const name = words.join(" ").trim().slice(0, 120);
    if (!slug || !name) {
      turn.say("initiatives:add-usage");
      return;
    }
    if (!isInitiativeSlug(slug)) {
      turn.say("initiatives:add-bad-slug", { slug });
      return;
    }
    if (await deps.initiatives.bySlug(slug)) {
      turn.say("initiatives:add-exists", { slug });
      return;
    }
    const created = await deps.initiatives.create({ slug, name });
    await deps.audit.record(actorOf(turn), "initiative.add", "initiative", created.id, slug);
    turn.say("initiatives:added", { slug, name });
  }

  return {
    id: FEATURE,
    menuEntries: [{ order: 30, labelKey: "menu:initiatives", action: `${FEATURE}:open` }],
    contributions: ["follow", "report", "repx", "post", "psend", "setmode"],
    commands: [
      { name: "initiatives", scope: "private", descriptionKey: "initiatives:command", run: (turn) => turn.dispatch(`${FEATURE}:open`) },
      {
        name: "initiative_add",
        scope: "private",
        audience: "admin",
        descriptionKey: "initiatives:command-add",
        run: addInitiative,
      },
      {
        name: "news",
        scope: "private",
        audience: "initiative_manager",
        descriptionKey: "initiatives:command-news",
        run: (turn) => startPosting(turn),
      },
    ],
    async handleAction(turn, verb, args) {
      const listPage = LIST_PAGES.parse(verb, args);
      if (listPage) {
        const key = listPage.keys[0]!;
        const areaId = key === ALL_AREAS ? null : Number(key);
        if (areaId !== null && !(await deps.areas.list()).some((a) => a.id === areaId)) return turn.say("common:stale-action");
        return listForArea(turn, areaId, listPage.page);
      }
      const profilePage = PROFILE_PAGES.parse(verb, args);
      if (profilePage) return showProfile(turn, Number(profilePage.keys[0]), profilePage.page);
      const newsPage = NEWS_PAGES.parse(verb, args);
      if (newsPage) return showFollowedNews(turn, newsPage.page);
      const id = Number(args[0]);
      switch (verb) {
        case "open":
          turn.leave();
          return listForArea(turn, turn.resident.homeAreaId);
        case "areas":
          turn.say("initiatives:choose-area", {}, areaChoices(await deps.areas.list(), `${FEATURE}:area`));
          return;
        case "area": {
          const area = pickArea(await deps.areas.list(), args[0]);
          return area ? listForArea(turn, area.id) : turn.say("common:stale-action");
        }
        case "show":
          return showProfile(turn, id);
        case "follow":
        case "unfollow": {
          const initiative = await deps.initiatives.get(id);
          if (!initiative) return turn.say("common:stale-action");
          if (verb === "follow") await deps.initiatives.follow(turn.resident.id, id);
          else await deps.initiatives.unfollow(turn.resident.id, id);
          turn.say(verb === "follow" ? "initiatives:followed" : "initiatives:unfollowed", { name: initiative.name });
          return showProfile(turn, id);
        }
        case "news":
          return showFollowedNews(turn);
        case "mode":
          return showMode(turn);
        case "setmode":
          if (args[0] !== "immediate" && args[0] !== "digest") return turn.say("common:stale-action");
          await deps.preferences.setMode(turn.resident.id, "news", args[0]);
          return showMode(turn);
        case "photo":
          return showPhoto(turn, id);
        case "report":
          return askReportReason(turn, id);
        case "repx":
          return report(turn, id, null);
        case "nophoto": {
          if (turn.state.flow !== FEATURE || turn.state.step !== "photo") return turn.say("common:stale-action");
          const initiative = await postingFor(turn);
          return initiative ? preview(turn, initiative, withoutPhoto(turn.state.data)) : undefined;
        }
        case "psend": {
          if (turn.state.flow !== FEATURE || turn.state.step !== "confirm") return turn.say("common:stale-action");
          const initiative = await postingFor(turn);
          return initiative ? finishPost(turn, initiative) : undefined;
        }
        case "pchange":
          if (turn.state.flow !== FEATURE || turn.state.step !== "confirm") return turn.say("common:stale-action");
          return changePart(turn, undefined);
        case "pedit":
          if (!isPosting(turn) || (turn.state.step !== "confirm" && !editing(turn))) return turn.say("common:stale-action");
          return changePart(turn, args[0] ?? "");
        case "pcancel":
          if (!isPosting(turn)) return turn.say("common:stale-action");
          return cancelPost(turn);
        case "post": {
          const initiative = await deps.initiatives.get(id);
          if (!initiative || !managedInitiativeIds(await turn.roles()).includes(id)) return turn.say("initiatives:not-a-manager");
          return askText(turn, initiative);
        }
        default:
          turn.say("common:stale-action");
      }
    },
    handleText: (turn, text) => handlePostText(turn, text),
    handlePhoto: (turn, photo) => handlePostPhoto(turn, photo),
  };
}

