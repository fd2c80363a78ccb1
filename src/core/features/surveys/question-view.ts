import type { Turn } from "../../conversation/turn.js";
import type { Choice, OutboundMessage } from "../../model/outbound-message.js";
import { isAnswered, localized, type DraftAnswer, type Survey, type SurveyQuestion } from "../../model/survey.js";
import { cutText } from "../../render/pager.js";
import { escapeHtml } from "../../render/plain-text.js";

/**
 * How much of an earlier free-text answer a question shows again: enough to recognise it, while
 * the question, its hint and the text stay far below Telegram's 4,096 characters.
 */
export const CURRENT_TEXT_PREVIEW = 1_000;

/** Longest accepted free text when the survey file sets none. */
export const DEFAULT_TEXT_LENGTH = 500;
export const DEFAULT_OTHER_LENGTH = 200;

export function textLimit(question: SurveyQuestion): number {
  return question.maxLength ?? (question.type === "text" ? DEFAULT_TEXT_LENGTH : DEFAULT_OTHER_LENGTH);
}

/** Scale values from min to max, e.g. 1…5. */
export function scaleValues(question: SurveyQuestion): number[] {
  const min = question.scaleMin ?? 1;
  const max = question.scaleMax ?? 5;
  const values: number[] = [];
  for (let v = min; v <= max && values.length < 11; v += 1) values.push(v);
  return values;
}

/** The label of a scale value: "1 – not at all" at the ends, the plain number between. */
export function scaleLabel(turn: Pick<Turn, "locale">, question: SurveyQuestion, value: number): string {
  if (value === question.scaleMin && question.scaleMinLabel) return `${value} – ${localized(question.scaleMinLabel, turn.locale)}`;
  if (value === question.scaleMax && question.scaleMaxLabel) return `${value} – ${localized(question.scaleMaxLabel, turn.locale)}`;
  return String(value);
}

/** The most answers a multiple-choice question takes: its `maxPicks`, else every option (and "other"). */
export function maxPicks(question: SurveyQuestion): number {
  return question.maxPicks ?? question.options.length + (question.allowOther ? 1 : 0);
}

function hintKey(question: SurveyQuestion): { key: string; values: Record<string, number> } {
  switch (question.type) {
    case "multiple": {
      const min = question.minPicks ?? (question.required ? 1 : 0);
      const max = maxPicks(question);
      return { key: "surveys:hint-multiple", values: { min, max } };
    }
    case "text":
      return { key: "surveys:hint-text", values: { max: textLimit(question) } };
    case "scale":
      return { key: "surveys:hint-scale", values: {} };
    default:
      return { key: "surveys:hint-single", values: {} };
  }
}

/** One question as a message: progress, the question, a hint and its choices plus back / skip. */
export function questionMessage(turn: Turn, survey: Survey, question: SurveyQuestion, answer: DraftAnswer | undefined): OutboundMessage {
  const s = survey.id;
  const q = question.position;
  const rows: Choice[][] = [];
  const picks = new Set(answer?.picks ?? []);
  const mark = (on: boolean, label: string) => (on ? `✅ ${label}` : label);
  switch (question.type) {
    case "single":
      for (const o of question.options) rows.push([{ label: mark(picks.has(o.position), localized(o.label, turn.locale)), action: `surveys:pick:${s}:${q}:${o.position}` }]);
      if (question.allowOther) rows.push([{ label: mark(answer?.other !== undefined, turn.t("surveys:other")), action: `surveys:other:${s}:${q}` }]);
      break;
    case "multiple":
      for (const o of question.options) rows.push([{ label: mark(picks.has(o.position), localized(o.label, turn.locale)), action: `surveys:tog:${s}:${q}:${o.position}` }]);
      if (question.allowOther) rows.push([{ label: mark(answer?.other !== undefined, turn.t("surveys:other")), action: `surveys:other:${s}:${q}` }]);
      rows.push([{ label: turn.t("surveys:done"), action: `surveys:done:${s}:${q}` }]);
      break;
    case "scale":
      rows.push(...scaleValues(question).map((v) => [{ label: mark(answer?.value === v, scaleLabel(turn, question, v)), action: `surveys:pick:${s}:${q}:${v}` }]));
      break;
    case "yesno":
      rows.push([
        { label: mark(answer?.value === 1, turn.t("surveys:yes")), action: `surveys:pick:${s}:${q}:1` },
        { label: mark(answer?.value === 0, turn.t("surveys:no")), action: `surveys:pick:${s}:${q}:0` },
      ]);
      break;
    case "text":
      // After going back, the answer written before can be kept as it is; a new message replaces it.
      if (answer?.text !== undefined) rows.push([{ label: turn.t("surveys:keep-answer"), action: `surveys:keep:${s}:${q}` }]);
      break;
  }
  const navigation: Choice[] = [];
  if (q > 0) navigation.push({ label: turn.t("surveys:back"), action: `surveys:back:${s}:${q}` });
  if (!question.required) navigation.push({ label: turn.t("surveys:skip"), action: `surveys:skip:${s}:${q}` });
  navigation.push({ label: turn.t("surveys:pause"), action: "menu:open" });
  rows.push(navigation);

  const hint = hintKey(question);
  const lines = [
    turn.t("surveys:progress", { title: localized(survey.title, turn.locale), number: q + 1, count: survey.questions.length }),
    `<b>${escapeHtml(localized(question.text, turn.locale))}</b>`,
    `<i>${turn.t(hint.key, hint.values)}${question.required ? "" : ` ${turn.t("surveys:optional")}`}</i>`,
  ];
  if (question.type === "text" && answer?.text !== undefined) {
    const whole = answer.text;
    const shown = turn.t("surveys:current-text", { text: cutText(whole, CURRENT_TEXT_PREVIEW) });
    const length = new Intl.NumberFormat(turn.locale).format(whole.length);
    lines.push(whole.length > CURRENT_TEXT_PREVIEW ? `${shown} ${turn.t("common:shortened", { count: whole.length, length })}` : shown);
    lines.push(turn.t("surveys:keep-or-replace"));
  }
  return { html: lines.join("\n"), choices: rows };
}

/** The answer in words, for the summary. */
export function describeAnswer(turn: Turn, question: SurveyQuestion, answer: DraftAnswer | undefined): string {
  if (!isAnswered(answer) || !answer) return turn.t("surveys:skipped");
  const parts: string[] = [];
  for (const pick of answer.picks ?? []) {
    const option = question.options.find((o) => o.position === pick);
    if (option) parts.push(localized(option.label, turn.locale));
  }
  if (answer.other !== undefined) parts.push(`${turn.t("surveys:other-label")}: ${answer.other}`);
  if (answer.value !== undefined) {
    parts.push(question.type === "yesno" ? turn.t(answer.value === 1 ? "surveys:yes" : "surveys:no") : scaleLabel(turn, question, answer.value));
  }
  if (answer.text !== undefined) parts.push(answer.text);
  return parts.join(", ");
}
