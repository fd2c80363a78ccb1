import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { createAnswerFlow } from "./answer-flow.js";
import { surveyDeepLink } from "./survey-announcement.js";
import { OVERVIEW_PAGES, createSurveyAdmin } from "./survey-admin.js";
import { SURVEYS_FEATURE, parseId, type SurveysDeps } from "./survey-deps.js";
import { createSurveyList } from "./survey-list.js";
import { ADMIN_TEXT_PAGES, RESIDENT_TEXT_PAGES, WHOLE_TEXT_VERBS, createSurveyResults } from "./survey-results.js";

/**
 * Surveys: the "Surveys" menu entry, answering, results, the deep link "survey_<id>" and the admin
 * commands.
 *
 * Actions (all "surveys:…", at most about 30 characters): list, open:S, start:S, change:S,
 * pick:S:Q:V, tog:S:Q:P, other:S:Q, keep:S:Q, done:S:Q, back:S:Q, skip:S:Q, send:S, res:S, and for the
 * paged lists ovp:N (admin overview), atp:S:N / rtp:S:N (free texts for admins / residents) and
 * txa:S:A / txr:S:A (one free text whole, from the admin's or a resident's list) — S is the survey id, Q the question position, V an option position
 * or a scale / yes-no value, P an option position, N a page, A a free text's answer id.
 *
 * @example
 * const surveys = createSurveysFeature({ surveys: store, areas, publisher, translator, clock, charts, organiser: "Samtgemeinde" });
 * assembleCore({ ...deps, extraFeatures: [surveys] });
 */
export function createSurveysFeature(deps: SurveysDeps): Feature {
  const flow = createAnswerFlow(deps);
  const list = createSurveyList(deps);
  const results = createSurveyResults(deps);
  const admin = createSurveyAdmin(deps, results);

  /** Surveys are only ever answered in the private chat, where nobody reads along. */
  function privateOnly(turn: Turn, surveyId: number): boolean {
    if (turn.event.chat.kind === "private") return true;
    turn.say("surveys:private-only", { command: `/start ${surveyDeepLink(surveyId)}` });
    return false;
  }

  return {
    id: SURVEYS_FEATURE,
    menuEntries: [{ order: 10, labelKey: "menu:surveys", action: "surveys:list" }],
    // The admin's overview and free-text pages work before the admin finished onboarding.
    staffVerbs: [OVERVIEW_PAGES.verb, ADMIN_TEXT_PAGES.verb, WHOLE_TEXT_VERBS.admin],
    commands: [
      { name: "survey", scope: "private", descriptionKey: "surveys:command-list", run: (turn) => list.list(turn) },
      ...admin.commands,
    ],
    deepLinks: {
      async survey(turn, argument) {
        const id = parseId(argument);
        if (id === undefined) {
          turn.say("common:stale-link");
          return;
        }
        if (privateOnly(turn, id)) await list.open(turn, id);
      },
    },
    async handleAction(turn, verb, args) {
      if (verb === "list") return list.list(turn);
      const overviewPage = OVERVIEW_PAGES.parse(verb, args);
      if (overviewPage) return admin.overview(turn, overviewPage.page);
      const adminPage = ADMIN_TEXT_PAGES.parse(verb, args);
      const residentPage = RESIDENT_TEXT_PAGES.parse(verb, args);
      const wholeId = /^[0-9A-Z]{6,20}$/.test(args[1] ?? "") ? args[1] : undefined;
      const s = parseId(args[0]);
      const q = parseId(args[1]);
      const v = parseId(args[2]);
      if (s === undefined) {
        turn.say("common:stale-action");
        return;
      }
      // Admin confirmations may be answered in a group, where the admin commands work too.
      if (await admin.confirmAction(turn, verb, s)) return;
      if (!privateOnly(turn, s)) return;
      switch (verb) {
        case "open":
          return list.open(turn, s);
        case "start":
          return flow.start(turn, s, false);
        case "change":
          return flow.start(turn, s, true);
        case "send":
          return flow.send(turn, s);
        case "res":
          return results.showToResident(turn, s);
      }
      // Free texts are shown in the private chat only (privateOnly above), like /survey_results.
      if (adminPage) return admin.texts(turn, s, adminPage.page);
      if (residentPage) return results.residentTexts(turn, s, residentPage.page);
      if (wholeId !== undefined && verb === WHOLE_TEXT_VERBS.admin) return admin.texts(turn, s, { answerId: wholeId });
      if (wholeId !== undefined && verb === WHOLE_TEXT_VERBS.resident) return results.residentTexts(turn, s, { answerId: wholeId });
      if (q === undefined) {
        turn.say("common:stale-action");
        return;
      }
      switch (verb) {
        case "other":
          return flow.askOther(turn, s, q);
        case "done":
          return flow.done(turn, s, q);
        case "keep":
          return flow.keep(turn, s, q);
        case "back":
          return flow.back(turn, s, q);
        case "skip":
          return flow.skip(turn, s, q);
      }
      // Scale values may be 0 or negative (e.g. −2 … +2), so "pick" parses its own number.
      const value = args[2] !== undefined && /^-?\d{1,4}$/.test(args[2]) ? Number(args[2]) : undefined;
      if (verb === "pick" && value !== undefined) return flow.pick(turn, s, q, value);
      if (verb === "tog" && v !== undefined) return flow.toggle(turn, s, q, v);
      turn.say("common:stale-action");
    },
    handleText: async (turn, text) => {
      // Only the choice confirms; a typed "ja" or "1" while asked must not close or open anything.
      if (admin.confirmText(turn)) return;
      await flow.text(turn, text);
    },
  };
}
