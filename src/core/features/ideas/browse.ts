import type { Turn } from "../../conversation/turn.js";
import { areaLineage } from "../../model/area-tree.js";
import type { Choice } from "../../model/outbound-message.js";
import { imageOf } from "../photo-step.js";
import { mayAct } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { isPublic, type Idea, type StatusChange } from "./idea-model.js";
import type { IdeaSort } from "./idea-ports.js";
import { areaName } from "./moderators.js";
import { definePageAction, renderPage } from "../../render/pager.js";
import { formatShortDay } from "../../render/format-date.js";

/** Pages of an idea's path ("ideas:hp:ID:P"): council notes are up to 1,000 characters, and many. */
export const PATH_PAGES = definePageAction("ideas", "hp", 1);

/** The proposal list and an idea's page with its path and the council's statements. */
export function createBrowse(deps: IdeasDeps) {
  const date = (at: Date, turn: Turn) => formatShortDay(at, turn.locale, deps.timeZone);
  /** The resident's home area and the areas above it; ideas for the whole municipality count too. */
  async function areaIdsFor(turn: Turn): Promise<number[] | null> {
    if (turn.resident.homeAreaId === null) return null;
    const areas = await deps.areas.list();
    const slugs = new Set(areaLineage(areas, turn.resident.homeAreaId));
    return areas.filter((a) => slugs.has(a.slug)).map((a) => a.id);
  }

  async function list(turn: Turn, sort: IdeaSort, page: number): Promise<void> {
    const size = deps.config.pageSize;
    const { items, total } = await deps.ideas.listPublic({
      areaIds: await areaIdsFor(turn),
      sort,
      offset: page * size,
      limit: size,
    });
    const pages = Math.max(1, Math.ceil(total / size));
    const rows: Choice[][] = items.map((idea) => [
      { label: turn.label("ideas:list-entry", { id: idea.id, title: idea.title, supports: idea.supportCount }), action: `ideas:show:${idea.id}` },
    ]);
    const s = sort === "new" ? "n" : "t";
    const paging: Choice[] = [];
    if (page > 0) paging.push({ label: turn.t("ideas:previous"), action: `ideas:list:${s}:${page - 1}` });
    if (page + 1 < pages) paging.push({ label: turn.t("ideas:next"), action: `ideas:list:${s}:${page + 1}` });
    if (paging.length > 0) rows.push(paging);
    rows.push([
      sort === "new"
        ? { label: turn.t("ideas:sort-top"), action: "ideas:list:t:0" }
        : { label: turn.t("ideas:sort-new"), action: "ideas:list:n:0" },
      { label: turn.t("ideas:back"), action: "ideas:open" },
    ]);
    const heading = total === 0 ? "ideas:list-empty" : sort === "new" ? "ideas:list-new" : "ideas:list-top";
    turn.say(heading, { page: page + 1, pages, total }, rows);
  }

  function historyLine(turn: Turn, change: StatusChange): string {
    const status = turn.t(`ideas:status-${change.toStatus}`);
    const note = change.fromStatus === change.toStatus;
    const key = change.reason ? (note ? "ideas:history-note" : "ideas:history-reason") : "ideas:history";
    return turn.t(key, { date: date(change.createdAt, turn), status, reason: change.reason ?? "" });
  }

  async function mayView(turn: Turn, idea: Idea): Promise<boolean> {
    if (isPublic(idea.status) || idea.authorId === turn.resident.id) return true;
    return mayAct(turn, deps.areas, "moderator", idea.areaId);
  }

  async function show(turn: Turn, ideaId: number | undefined, page = 1): Promise<void> {
    const idea = ideaId === undefined ? undefined : await deps.ideas.get(ideaId);
    if (!idea || !(await mayView(turn, idea))) {
      turn.say("ideas:not-found");
      return;
    }
    const [history, viewer, results] = await Promise.all([
      deps.ideas.history(idea.id),
      deps.ideas.viewerState(idea.id, turn.resident.id),
      deps.results.publishedForIdea(idea.id),
    ]);
    // Moderators' internal steps stay visible; the path is public once the idea is.
    const pathHeading = turn.t("ideas:history-heading");
    const resultsHeading = turn.t("ideas:results-heading");
    const items = [
      ...history.map((c) => ({ html: historyLine(turn, c), group: pathHeading, value: undefined })),
      ...results.map((r) => ({ html: turn.t("ideas:result-line", { id: r.id, title: r.title }), group: resultsHeading, value: undefined })),
    ];
    const header = turn.t("ideas:detail", {
        id: idea.id,
        title: idea.title,
        description: idea.description,
        area: await areaName(deps, idea.areaId, turn.locale),
        category: turn.t(`ideas:category-${idea.category}`),
        status: turn.t(`ideas:status-${idea.status}`),
        supports: idea.supportCount,
    });
    const view = renderPage(turn, { header, items, page, action: PATH_PAGES, keys: [idea.id], reserve: 300 });
    const html = view.html;
    const rows: Choice[][] = [];
    if (isPublic(idea.status)) {
      const row: Choice[] = [];
      if (viewer.supported) row.push({ label: turn.t("ideas:withdraw-support"), action: `ideas:unsup:${idea.id}` });
      else if (idea.authorId !== turn.resident.id) row.push({ label: turn.t("ideas:support"), action: `ideas:sup:${idea.id}` });
      row.push(
        viewer.following
          ? { label: turn.t("ideas:unfollow"), action: `ideas:unf:${idea.id}` }
          : { label: turn.t("ideas:follow"), action: `ideas:fol:${idea.id}` },
      );
      rows.push(row, [{ label: turn.t("ideas:report"), action: `ideas:rep:${idea.id}` }]);
    }
    rows.push(...results.map((r) => [{ label: turn.label("ideas:open-result", { id: r.id }), action: `results:show:${r.id}` }]));
    if (view.navigation.length > 0) rows.push([...view.navigation]);
    rows.push([{ label: turn.t("ideas:to-list"), action: "ideas:list:n:0" }]);
    const image = await imageOf(deps.photos, idea.photoId, turn.t("ideas:photo-alt", { title: idea.title }));
    turn.reply({ html, choices: rows, ...(image ? { image } : {}) });
  }

  return { list, show };
}
