import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { parseId } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { formatShortDay } from "../../render/format-date.js";
import { isPublic } from "./idea-model.js";

const LATEST = 5;

/** "Results": the council's published posts and, from each, the ideas it speaks about. */
export function createResultsFeature(deps: IdeasDeps): Feature {
  async function latest(turn: Turn): Promise<void> {
    turn.leave();
    const results = await deps.results.latestPublished(LATEST);
    const back = [{ label: turn.t("menu:back"), action: "menu:open" }];
    if (results.length === 0) return turn.say("ideas:results-empty", {}, [back]);
    turn.say("ideas:results-latest", {}, [
      ...results.map((r) => [
        { label: turn.label("ideas:results-entry", { title: r.title, date: formatShortDay(r.publishedAt ?? r.createdAt, turn.locale, deps.timeZone) }), action: `results:show:${r.id}` },
      ]),
      back,
    ]);
  }

  async function show(turn: Turn, id: number | undefined): Promise<void> {
    const result = id === undefined ? undefined : await deps.results.get(id);
    if (!result || result.status !== "published") return turn.say("ideas:result-not-found");
    const rows = [];
    for (const ideaId of result.ideaIds) {
      const idea = await deps.ideas.get(ideaId);
      if (idea && isPublic(idea.status)) {
        rows.push([{ label: turn.label("ideas:result-idea", { id: idea.id, title: idea.title }), action: `ideas:show:${idea.id}` }]);
      }
    }
    rows.push([{ label: turn.t("ideas:back"), action: "results:open" }]);
    turn.say("ideas:result-post", { title: result.title, text: result.text }, rows);
  }

  return {
    id: "results",
    menuEntries: [{ order: 40, labelKey: "menu:results", action: "results:open" }],
    commands: [{ name: "results", scope: "private", audience: "resident", descriptionKey: "ideas:command-results", run: (turn) => latest(turn) }],
    deepLinks: { result: (turn, argument) => show(turn, parseId(argument)) },
    async handleAction(turn, verb, args) {
      if (verb === "open") return latest(turn);
      if (verb === "show") return show(turn, parseId(args[0]));
      turn.say("common:stale-action");
    },
  };
}
