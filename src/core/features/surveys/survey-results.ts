import type { Turn } from "../../conversation/turn.js";
import type { OutboundImage, OutboundMessage } from "../../model/outbound-message.js";
import { localized, type Survey, type SurveyQuestion } from "../../model/survey.js";
import type { QuestionResult } from "../../ports/survey-store.js";
import { escapeHtml } from "../../render/plain-text.js";
import { scaleLabel, scaleValues } from "./question-view.js";
import { resultsVisible, type SurveysDeps } from "./survey-deps.js";

/** At most this many free texts per question in the chat; the export has all of them. */
const MAX_TEXTS = 30;

interface Bar {
  readonly label: string;
  readonly count: number;
}

/** The bars of a choice, scale or yes/no question, in the order the question shows them. */
export function barsOf(turn: Turn, question: SurveyQuestion, result: QuestionResult): Bar[] {
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
  async function render(turn: Turn, survey: Survey, admin: boolean): Promise<OutboundMessage[]> {
    const results = await deps.surveys.results(survey);
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
      const texts = admin ? result.texts : result.texts.filter((t) => t.published);
      if (texts.length > 0) {
        lines.push(turn.t(admin ? "surveys:results-texts-admin" : "surveys:results-texts"));
        for (const text of texts.slice(0, MAX_TEXTS)) {
          const suffix = admin ? ` <code>${escapeHtml(text.answerId)}</code>${text.published ? ` ${turn.t("surveys:text-published-mark")}` : ""}` : "";
          lines.push(`• ${escapeHtml(text.text)}${suffix}`);
        }
        if (texts.length > MAX_TEXTS) lines.push(turn.t("surveys:results-more-texts", { count: texts.length - MAX_TEXTS }));
      }
      const html = lines.join("\n");
      const image = bars.length > 0 && turn.capabilities.images ? await chart(turn, question, bars, result.respondents, share) : undefined;
      messages.push(image ? { html, image } : { html });
    }
    return messages;
  }

  async function chart(turn: Turn, question: SurveyQuestion, bars: Bar[], respondents: number, share: (count: number, of: number) => string): Promise<OutboundImage> {
    const questionText = localized(question.text, turn.locale);
    const png = await deps.charts.render({
      title: questionText,
      bars,
      // Shares of those who answered, like the text (multiple choice adds up to more than 100 %).
      valueLabel: (bar) => `${bar.count} (${share(bar.count, respondents)})`,
      locale: turn.locale,
    });
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

  return { render, showToResident };
}
