import type { CommandSpec } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { areaLineage } from "../../model/area-tree.js";
import { grantsAllow } from "../../model/role.js";
import { isAnswerable, localized, type Survey, type SurveyStatus } from "../../model/survey.js";
import { DEFAULT_LOCALE } from "../../model/locale.js";
import { announcement } from "./survey-announcement.js";
import { formatMoment } from "../../render/format-date.js";
import { parseId, type SurveysDeps } from "./survey-deps.js";
import { definePageAction, renderPage } from "../../render/pager.js";
import type { createSurveyResults } from "./survey-results.js";

/** Pages of /surveys, the overview of every survey ever imported. */
export const OVERVIEW_PAGES = definePageAction("surveys", "ovp");

/** The admin commands, and what the free-text pages of /survey_results answer to. */
export interface SurveyAdmin {
  readonly commands: CommandSpec[];
  /** Page `page` of a survey's free texts, or one text whole, if the sender may manage the survey. */
  texts(turn: Turn, surveyId: number, page: number | { readonly answerId: string }): Promise<void>;
  overview(turn: Turn, page: number): Promise<void>;
}

/**
 * Bot commands for admins: /surveys, /survey_open, /survey_close, /survey_publish, /survey_results,
 * /survey_publish_text and /survey_announce. A survey for one village may be managed by an admin of
 * that village (or above); the overview needs any admin grant.
 */
export function createSurveyAdmin(deps: SurveysDeps, results: ReturnType<typeof createSurveyResults>): SurveyAdmin {
  const { surveys, clock } = deps;

  async function manages(turn: Turn, survey: Survey | undefined): Promise<boolean> {
    const slugs = survey ? (survey.areaId === null ? [] : areaLineage(await deps.areas.list(), survey.areaId)) : "any";
    return grantsAllow(await turn.roles(), "admin", slugs);
  }

  async function mayManage(turn: Turn, survey: Survey | undefined): Promise<boolean> {
    if (await manages(turn, survey)) return true;
    turn.say("surveys:admin-only");
    return false;
  }

  /** Parses the id and loads the survey, answering when either fails. */
  async function target(turn: Turn, args: string): Promise<Survey | undefined> {
    // The role first, then one answer for a missing survey and one of another village, so that
    // neither refusal tells which survey ids exist.
    if (!(await mayManage(turn, undefined))) return undefined;
    const id = parseId(args.split(/\s+/)[0]);
    if (id === undefined) {
      turn.say("surveys:admin-usage-id");
      return undefined;
    }
    const survey = await surveys.get(id);
    if (!survey || !(await manages(turn, survey))) {
      turn.say("surveys:admin-unknown", { id });
      return undefined;
    }
    return survey;
  }

  const title = (turn: Turn, survey: Survey) => localized(survey.title, turn.locale);

  async function overview(turn: Turn, page: number): Promise<void> {
    if (!(await mayManage(turn, undefined))) return;
    const all = await surveys.overview();
    if (all.length === 0) {
      turn.say("surveys:admin-none");
      return;
    }
    const items = all.map(({ survey, responses }) => ({
      html: turn.t("surveys:admin-list-item", {
        id: survey.id,
        title: title(turn, survey),
        status: turn.t(`surveys:status-${survey.status}`),
        count: responses,
        closes: formatMoment(survey.closesAt, turn.locale, deps.timeZone),
      }),
      value: undefined,
    }));
    const view = renderPage(turn, { header: turn.t("surveys:admin-list-title"), items, page, action: OVERVIEW_PAGES });
    turn.reply({ html: view.html, ...(view.navigation.length > 0 ? { choices: [view.navigation] } : {}) });
  }

  async function open(turn: Turn, args: string): Promise<void> {
    const survey = await target(turn, args);
    if (!survey) return;
    const now = clock.now();
    if (survey.status === "open" || survey.status === "published") {
      turn.say("surveys:admin-wrong-status", { id: survey.id, status: turn.t(`surveys:status-${survey.status}`) });
      return;
    }
    if (survey.closesAt <= now) {
      turn.say("surveys:admin-close-passed", { id: survey.id });
      return;
    }
    const opensAt = survey.opensAt === null || survey.opensAt > now ? now : undefined;
    const opened = await surveys.setStatus(survey.id, "open", opensAt);
    if (!opened) return;
    // Same unit of work as the status change: the feed rows commit together with it or not at all.
    const receipt = await deps.publisher.publish({
      audience: { kind: "feed", feed: "surveys", areaId: opened.areaId },
      origin: `survey:${opened.id}:opened`,
      title: localized(opened.title, DEFAULT_LOCALE),
      content: (locale) => announcement(deps.translator, locale, opened, deps.timeZone),
    });
    turn.say("surveys:admin-opened", { id: opened.id, title: title(turn, opened), count: receipt.recipients });
  }

  async function setStatus(turn: Turn, args: string, status: SurveyStatus, from: readonly SurveyStatus[]): Promise<void> {
    const survey = await target(turn, args);
    if (!survey) return;
    if (!from.includes(survey.status)) {
      turn.say("surveys:admin-wrong-status", { id: survey.id, status: turn.t(`surveys:status-${survey.status}`) });
      return;
    }
    await surveys.setStatus(survey.id, status);
    turn.say(`surveys:admin-${status}`, { id: survey.id, title: title(turn, survey) });
  }

  async function showResults(turn: Turn, args: string): Promise<void> {
    const survey = await target(turn, args);
    if (!survey) return;
    for (const message of await results.render(turn, survey, true)) turn.reply(message);
  }

  async function texts(turn: Turn, surveyId: number, page: number | { readonly answerId: string }): Promise<void> {
    const survey = await target(turn, String(surveyId));
    if (!survey) return;
    if (typeof page === "number") await results.showTextPage(turn, survey, true, page);
    else await results.showWholeText(turn, survey, true, page.answerId);
  }

  async function publishText(turn: Turn, args: string): Promise<void> {
    const answerId = args.trim().toUpperCase();
    if (!/^[0-9A-Z]{6,20}$/.test(answerId)) {
      turn.say("surveys:admin-usage-text");
      return;
    }
    if (!(await mayManage(turn, undefined))) return;
    // Only texts of a survey this admin manages; a text elsewhere is answered as one that does not exist.
    const surveyId = await surveys.surveyOfText(answerId);
    const survey = surveyId === undefined ? undefined : await surveys.get(surveyId);
    if (!survey || !(await manages(turn, survey)) || (await surveys.publishText(answerId)) === undefined) {
      turn.say("surveys:admin-text-unknown", { id: answerId });
      return;
    }
    turn.say("surveys:admin-text-published", { id: answerId, survey: survey.id });
  }

  async function announce(turn: Turn, args: string): Promise<void> {
    const survey = await target(turn, args);
    if (!survey) return;
    if (!isAnswerable(survey, clock.now())) {
      turn.say("surveys:admin-not-open", { id: survey.id });
      return;
    }
    turn.reply(announcement(deps.translator, turn.locale, survey, deps.timeZone));
  }

  const admin = "admin" as const;
  const commands: CommandSpec[] = [
    { name: "surveys", scope: "any", audience: admin, descriptionKey: "surveys:command-surveys", run: (turn) => overview(turn, 1) },
    { name: "survey_open", scope: "any", audience: admin, descriptionKey: "surveys:command-open", run: open },
    {
      name: "survey_close",
      scope: "any",
      audience: admin,
      descriptionKey: "surveys:command-close",
      run: (turn, args) => setStatus(turn, args, "closed", ["open"]),
    },
    {
      name: "survey_publish",
      scope: "any",
      audience: admin,
      descriptionKey: "surveys:command-publish",
      run: (turn, args) => setStatus(turn, args, "published", ["open", "closed"]),
    },
    // Results include every free text, which is not for a group's eyes before publication.
    { name: "survey_results", scope: "private", audience: admin, descriptionKey: "surveys:command-results", run: showResults },
    { name: "survey_publish_text", scope: "private", audience: admin, descriptionKey: "surveys:command-publish-text", run: publishText },
    { name: "survey_announce", scope: "group", audience: admin, descriptionKey: "surveys:command-announce", run: announce },
  ];
  return { commands, texts, overview };
}
