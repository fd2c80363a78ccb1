import type { Turn } from "../../conversation/turn.js";
import type { OutboundImage, OutboundMessage } from "../../model/outbound-message.js";
import { localized, type Survey, type SurveyQuestion } from "../../model/survey.js";
import type { Choice } from "../../model/outbound-message.js";
import type { FreeTextAnswer, QuestionResult, SurveyResults } from "../../ports/survey-store.js";
import { definePageAction, renderPage, shortenedHtml, type PageItem } from "../../render/pager.js";
import { escapeHtml } from "../../render/plain-text.js";
import { scaleLabel, scaleValues } from "./question-view.js";
import { resultsVisible, type SurveysDeps } from "./survey-deps.js";
import { chartInput } from "./results-files.js";

/**
 * A free text longer than this is shortened in the paged list, with a choice to read it whole:
 * long enough for a real answer, short enough that a page holds several (texts may be 4,000).
 */
export const TEXT_PREVIEW = 600;
/** Pages of the free texts: admins see all of them, residents the published ones. */
export const ADMIN_TEXT_PAGES = definePageAction("surveys", "atp", 1);
export const RESIDENT_TEXT_PAGES = definePageAction("surveys", "rtp", 1);
/** "surveys:txa:S:ANSWERID" (from the admin's list) or "…txr…" (a resident's) shows one free text whole. */
export const WHOLE_TEXT_VERBS = { admin: "txa", resident: "txr" } as const;

interface Bar {
  readonly label: string;
  readonly count: number;
}

/** The bars of a choice, scale or yes/no question, in the order the question shows them. */
export function barsOf(turn: Pick<Turn, "t" | "locale">, question: SurveyQuestion, result: QuestionResult): Bar[] {
  switch (question.type) {
    case "single":
    case "multiple": {
      const bars = question.options.map((o) => ({ label: localized(o.label, turn.locale), count: result.optionCounts.get(o.position) ?? 0 }));
      return question.allowOther ? [...bars, { label: turn.t("surveys:other-label"), count: result.otherCount }] : bars;
    }
    case "scale":
      return scaleValues(question).map((v) => ({ label: scaleLabel(turn, question, v), count: result.valueCounts.get(v) ?? 0 }));
    case "yesno":
      return [
        { label: turn.t("surveys:yes"), count: result.valueCounts.get(1) ?? 0 },
        { label: turn.t("surveys:no"), count: result.valueCounts.get(0) ?? 0 },
      ];
    case "text":
      return [];
  }
}

/**
 * Results as text (counts and shares of those who answered the question) and, on channels with
 * images, a bar chart per choice question. `admin` adds every free text with its id; residents see
 * only the free texts an admin published.
 */
export function createSurveyResults(deps: SurveysDeps) {
  /**
   * The title, one message per question (counts, shares and a chart), and the first page of the
   * free texts. Free texts are paged on their own: a question may have hundreds, each up to
   * 4,000 characters, and only the last message's choices can be answered by number.
   */
  async function render(turn: Turn, survey: Survey, admin: boolean): Promise<OutboundMessage[]> {
    const results = await deps.surveys.results(survey);
    const messages = await overview(turn, survey, admin, results);
    const texts = textPage(turn, survey, admin, results, 1);
    return texts ? [...messages, texts] : messages;
  }

  async function overview(turn: Turn, survey: Survey, admin: boolean, results: SurveyResults): Promise<OutboundMessage[]> {
    const percent = new Intl.NumberFormat(turn.locale, { style: "percent", maximumFractionDigits: 0 });
    const share = (count: number, of: number) => (of > 0 ? percent.format(count / of) : percent.format(0));
    const title = localized(survey.title, turn.locale);
    const messages: OutboundMessage[] = [
      { html: turn.t(admin ? "surveys:results-title-admin" : "surveys:results-title", { title, count: results.responses, status: turn.t(`surveys:status-${survey.status}`) }) },
    ];
    for (const question of survey.questions) {
      const result = results.questions.find((r) => r.questionId === question.id);
      if (!result) continue;
      const heading = `<b>${question.position + 1}. ${escapeHtml(localized(question.text, turn.locale))}</b>`;
      const lines = [heading, turn.t("surveys:results-answered", { count: result.respondents })];
      const bars = barsOf(turn, question, result);
      for (const bar of bars) lines.push(`${escapeHtml(bar.label)}: ${bar.count} (${share(bar.count, result.respondents)})`);
      if (question.type === "scale" && result.respondents > 0) {
        let sum = 0;
        for (const [value, count] of result.valueCounts) sum += value * count;
        const average = new Intl.NumberFormat(turn.locale, { maximumFractionDigits: 1 }).format(sum / result.respondents);
        lines.push(turn.t("surveys:results-average", { average }));
      }
      const html = lines.join("\n");
      const image = bars.length > 0 && turn.capabilities.images ? await chart(turn, question, bars, result.respondents, share) : undefined;
      messages.push(image ? { html, image } : { html });
    }
    return messages;
  }

  const visibleTexts = (result: QuestionResult, admin: boolean): readonly FreeTextAnswer[] =>
    admin ? result.texts : result.texts.filter((t) => t.published);

  /** One page of the free texts, grouped under their questions; undefined when there are none. */
  function textPage(turn: Turn, survey: Survey, admin: boolean, results: SurveyResults, page: number): OutboundMessage | undefined {
    const items: PageItem<FreeTextAnswer | undefined>[] = [];
    for (const question of survey.questions) {
      const result = results.questions.find((r) => r.questionId === question.id);
      if (!result) continue;
      const group = `<b>${question.position + 1}. ${escapeHtml(localized(question.text, turn.locale))}</b>`;
      for (const text of visibleTexts(result, admin)) {
        const shortened = text.text.length > TEXT_PREVIEW;
        const suffix = admin ? ` <code>${escapeHtml(text.answerId)}</code>${text.published ? ` ${turn.t("surveys:text-published-mark")}` : ""}` : "";
        items.push({
          html: `• ${shortenedHtml(turn, text.text, TEXT_PREVIEW)}${suffix}`,
          group,
          value: shortened ? text : undefined,
          // Its "Read in full" choice becomes a numbered line of about this length without buttons.
          ...(shortened ? { choiceChars: 40 } : {}),
        });
      }
    }
    if (items.length === 0) return undefined;
    const action = admin ? ADMIN_TEXT_PAGES : RESIDENT_TEXT_PAGES;
    const view = renderPage(turn, {
      header: turn.t(admin ? "surveys:results-texts-admin" : "surveys:results-texts", { title: localized(survey.title, turn.locale), count: items.length }),
      items,
      page,
      action,
      keys: [survey.id],
    });
    const whole: Choice[][] = view.items
      .filter((t): t is FreeTextAnswer => t !== undefined)
      .map((t) => [{ label: turn.label("surveys:read-whole", { text: t.text.slice(0, 20) }), action: `surveys:${WHOLE_TEXT_VERBS[admin ? "admin" : "resident"]}:${survey.id}:${t.answerId}` }]);
    const choices = [...whole, ...(view.navigation.length > 0 ? [[...view.navigation]] : [])];
    return { html: view.html, ...(choices.length > 0 ? { choices } : {}) };
  }

  /** Page `page` of the free texts alone (the charts are not sent again). */
  async function showTextPage(turn: Turn, survey: Survey, admin: boolean, page: number): Promise<void> {
    const message = textPage(turn, survey, admin, await deps.surveys.results(survey), page);
    if (message) turn.reply(message);
    else turn.say("surveys:results-no-texts");
  }

  /** One free text whole; residents only see published ones. */
  async function showWholeText(turn: Turn, survey: Survey, admin: boolean, answerId: string): Promise<void> {
    const results = await deps.surveys.results(survey);
    const found = results.questions.flatMap((r) => visibleTexts(r, admin)).find((t) => t.answerId === answerId);
    if (!found) {
      turn.say("common:stale-action");
      return;
    }
    // The label is short and the text at most 4,000 characters (the longest maxLength), so it fits one message.
    turn.reply({ html: `${turn.t(admin ? "surveys:whole-text-admin" : "surveys:whole-text", { id: answerId })}
${escapeHtml(found.text)}` });
  }

  async function chart(turn: Turn, question: SurveyQuestion, bars: Bar[], respondents: number, share: (count: number, of: number) => string): Promise<OutboundImage> {
    const questionText = localized(question.text, turn.locale);
    // The same input as the result files (results-files.ts), so both show the same chart.
    const png = await deps.charts.render(chartInput(turn.locale, question, bars, respondents));
    const alt = turn.t("surveys:chart-alt", { question: questionText, bars: bars.map((b) => `${b.label}: ${b.count}`).join("; ") });
    return { bytes: png, alt };
  }

  /** Results for a resident: only when published (or live results are on). */
  async function showToResident(turn: Turn, surveyId: number): Promise<void> {
    const survey = await deps.surveys.get(surveyId);
    if (!survey || !resultsVisible(survey)) {
      turn.say("surveys:results-hidden", {}, [[{ label: turn.t("surveys:all"), action: "surveys:list" }]]);
      return;
    }
    for (const message of await render(turn, survey, false)) turn.reply(message);
  }

  /** A resident's page of published free texts, or one of them whole, while results are visible. */
  async function residentTexts(turn: Turn, surveyId: number, page: number | { readonly answerId: string }): Promise<void> {
    const survey = await deps.surveys.get(surveyId);
    if (!survey || !resultsVisible(survey)) {
      turn.say("surveys:results-hidden", {}, [[{ label: turn.t("surveys:all"), action: "surveys:list" }]]);
      return;
    }
    if (typeof page === "number") await showTextPage(turn, survey, false, page);
    else await showWholeText(turn, survey, false, page.answerId);
  }

  return { render, showToResident, residentTexts, showTextPage, showWholeText };
}
