import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { parseId } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { formatShortDay } from "../../render/format-date.js";
import { isPublic } from "./idea-model.js";
import type { Choice } from "../../model/outbound-message.js";
import { localized } from "../../model/survey.js";
import { definePageAction, renderPage } from "../../render/pager.js";
import { escapeHtml } from "../../render/plain-text.js";
import { formatMoment as formatDate } from "../../render/format-date.js";

const LATEST = 5;
/** Published surveys per page under "Results": each is a choice, and choices stay few. */
const SURVEYS_PER_PAGE = 5;
/** "results:svp:N": page N of the published surveys. */
export const SURVEY_PAGES = definePageAction("results", "svp");

/**
 * "Results": the council's published posts (and, from each, the ideas it speaks about) and the
 * published surveys, newest first and paged; a survey's results are shown by the surveys feature.
 */
export function createResultsFeature(deps: IdeasDeps): Feature {
  async function latest(turn: Turn, page = 1): Promise<void> {
    turn.leave();
    const results = await deps.results.latestPublished(LATEST);
    const surveys = (await deps.publishedSurveys?.listPublished()) ?? [];
    const back = [{ label: turn.t("menu:back"), action: "menu:open" }];
    if (results.length === 0 && surveys.length === 0) return turn.say("ideas:results-empty", {}, [back]);
    const councilChoices: Choice[][] = results.map((r) => [
      { label: turn.label("ideas:results-entry", { title: r.title, date: formatShortDay(r.publishedAt ?? r.createdAt, turn.locale, deps.timeZone) }), action: `results:show:${r.id}` },
    ]);
    const parts = [turn.t(results.length > 0 ? "ideas:results-latest" : "ideas:results-empty")];
    const choices: Choice[][] = page === 1 ? councilChoices : [];
    if (surveys.length > 0) {
      const items = surveys.map((survey) => {
        const title = localized(survey.title, turn.locale);
        const date = survey.publishedAt ? formatDate(survey.publishedAt, turn.locale, deps.timeZone) : "";
        return { html: turn.t(date ? "ideas:results-survey-item" : "ideas:results-survey-item-undated", { title: escapeHtml(title), date }), value: survey };
      });
      const view = renderPage(turn, { header: turn.t("ideas:results-surveys-title"), items, page, action: SURVEY_PAGES, maxItems: SURVEYS_PER_PAGE });
      parts.push(view.html);
      for (const survey of view.items) {
        choices.push([{ label: turn.label("ideas:results-survey-choice", { title: localized(survey.title, turn.locale) }), action: `surveys:res:${survey.id}` }]);
      }
      if (view.navigation.length > 0) choices.push([...view.navigation]);
    }
    turn.reply({ html: parts.join("\n\n"), choices: [...choices, back] });
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
      const surveyPage = SURVEY_PAGES.parse(verb, args);
      if (surveyPage) return latest(turn, surveyPage.page);
      if (verb === "show") return show(turn, parseId(args[0]));
      turn.say("common:stale-action");
    },
  };
}
