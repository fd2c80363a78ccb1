import type { Turn } from "../../conversation/turn.js";
import type { Choice } from "../../model/outbound-message.js";
import { isAnswerable, localized } from "../../model/survey.js";
import { escapeHtml } from "../../render/plain-text.js";
import { formatMoment } from "../../render/format-date.js";
import { appliesTo, lineageIds, resultsVisible, type SurveysDeps } from "./survey-deps.js";

/** The "Surveys" menu entry: the open surveys for the resident's area, and one survey's start page. */
export function createSurveyList(deps: SurveysDeps) {
  const { surveys, clock } = deps;

  async function list(turn: Turn): Promise<void> {
    turn.leave();
    const areaIds = lineageIds(await deps.areas.list(), turn.resident.homeAreaId);
    const open = await surveys.listAnswerable(areaIds, clock.now());
    const back = [{ label: turn.t("menu:back"), action: "menu:open" }];
    // Past surveys leave this list when they close; their published results stay under "Results".
    const published = (await surveys.listPublished()).length > 0 ? [[{ label: turn.label("surveys:published-results"), action: "results:open" }]] : [];
    if (open.length === 0) {
      turn.say("surveys:none-open", {}, [...published, back]);
      return;
    }
    const answered = await surveys.answeredBy(open, turn.resident.id);
    const entry = (survey: (typeof open)[number]) => ({
      key: answered.has(survey.id) ? "surveys:list-entry-answered" : "surveys:list-entry",
      values: {
        title: localized(survey.title, turn.locale),
        count: survey.questions.length,
        closes: formatMoment(survey.closesAt, turn.locale, deps.timeZone),
      },
    });
    // Each survey is numbered once. With buttons the text lists the facts and each button names
    // its survey; without buttons the numbered choices themselves carry the facts, so the text
    // does not number the surveys a second time.
    if (!turn.capabilities.buttons) {
      const choices: Choice[][] = open.map((survey) => {
        const { key, values } = entry(survey);
        return [{ label: turn.label(key, values), action: `surveys:open:${survey.id}` }];
      });
      turn.reply({ html: turn.t("surveys:list-title"), choices: [...choices, ...published, back] });
      return;
    }
    const lines = open.map((survey) => {
      const { key, values } = entry(survey);
      return `• ${turn.t(key, values)}`;
    });
    const choices: Choice[][] = open.map((survey) => [{ label: localized(survey.title, turn.locale), action: `surveys:open:${survey.id}` }]);
    turn.reply({ html: [turn.t("surveys:list-title"), ...lines].join("\n"), choices: [...choices, ...published, back] });
  }

  /** The survey's page: intro, privacy note, and Start / Continue / Change / Results. */
  async function open(turn: Turn, surveyId: number): Promise<void> {
    turn.leave();
    const survey = await surveys.get(surveyId);
    if (!survey || survey.status === "draft" || !(await appliesTo(deps, survey, turn))) {
      turn.say("surveys:not-found", {}, [[{ label: turn.t("surveys:all"), action: "surveys:list" }]]);
      return;
    }
    const title = localized(survey.title, turn.locale);
    const lines = [`<b>${escapeHtml(title)}</b>`, escapeHtml(localized(survey.intro, turn.locale))];
    const choices: Choice[][] = [];
    if (isAnswerable(survey, clock.now())) {
      lines.push(
        turn.t("surveys:facts", { count: survey.questions.length, closes: formatMoment(survey.closesAt, turn.locale, deps.timeZone) }),
        survey.anonymous ? turn.t("surveys:privacy-anonymous") : turn.t("surveys:privacy-named", { organiser: deps.organiser }),
      );
      const draft = await surveys.getDraft(survey.id, turn.resident.id);
      const answered = !draft && (await surveys.findResponse(survey, turn.resident.id)) !== undefined;
      if (draft) {
        const number = Math.min(draft.position + 1, survey.questions.length);
        choices.push([{ label: turn.label("surveys:continue", { number, count: survey.questions.length }), action: `surveys:start:${survey.id}` }]);
      } else if (answered) {
        lines.push(turn.t(survey.allowChange ? "surveys:already-answered-change" : "surveys:already-answered"));
        if (survey.allowChange) choices.push([{ label: turn.t("surveys:change"), action: `surveys:change:${survey.id}` }]);
      } else {
        choices.push([{ label: turn.t("surveys:start"), action: `surveys:start:${survey.id}` }]);
      }
    } else {
      lines.push(turn.t("surveys:closed", { title }));
    }
    if (resultsVisible(survey)) choices.push([{ label: turn.t("surveys:show-results"), action: `surveys:res:${survey.id}` }]);
    choices.push([{ label: turn.t("surveys:all"), action: "surveys:list" }]);
    turn.reply({ html: lines.filter((l) => l.length > 0).join("\n\n"), choices });
  }

  return { list, open };
}
