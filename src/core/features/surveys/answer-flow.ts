import type { Turn } from "../../conversation/turn.js";
import { isAnswerable, isAnswered, localized, type DraftAnswer, type Survey, type SurveyDraft, type SurveyQuestion } from "../../model/survey.js";
import { PAGE_CHARS, cutText, shortenedHtml } from "../../render/pager.js";
import { escapeHtml, htmlToPlain } from "../../render/plain-text.js";
import { SURVEYS_FEATURE, appliesTo, type SurveysDeps } from "./survey-deps.js";
import { describeAnswer, maxPicks, questionMessage, scaleValues, textLimit } from "./question-view.js";

/** Characters of an answer the confirmation shows before shortening it (the stored answer stays whole). */
export const ANSWER_PREVIEW = 300;
/** Room per question for its number, arrow, line breaks and the "(2.345 Zeichen)" note. */
const LINE_OVERHEAD = 40;

/**
 * The confirmation's lines, "1. Question\n   → answer", within `budget` plain-text characters
 * whatever the survey: answers beyond ANSWER_PREVIEW are shortened with their length, and when a
 * survey has so many questions that even that is too long, every question and answer gets an equal
 * share of the budget (at most 50 questions, so each keeps a readable start).
 */
export function summaryLines(
  text: Parameters<typeof shortenedHtml>[0],
  entries: readonly { readonly position: number; readonly question: string; readonly answer: string }[],
  budget: number,
): string[] {
  const render = (questionMax: number, answerMax: number) =>
    entries.map(
      (e) => `${e.position + 1}. ${escapeHtml(cutText(e.question, questionMax))}\n   → <i>${shortenedHtml(text, e.answer, answerMax)}</i>`,
    );
  const fits = (lines: readonly string[]) => lines.reduce((sum, line) => sum + htmlToPlain(line).length + 1, 0) <= budget;
  const generous = render(Number.POSITIVE_INFINITY, ANSWER_PREVIEW);
  if (fits(generous)) return generous;
  const share = Math.max(20, Math.floor(budget / Math.max(1, entries.length)) - LINE_OVERHEAD);
  const questionMax = Math.max(10, Math.floor(share / 2));
  return render(questionMax, Math.max(10, Math.min(ANSWER_PREVIEW, share - Math.min(questionMax, share / 2))));
}

/**
 * Answering a survey, one question per message. Where the resident stands lives in the survey
 * draft (per resident, not per chat), so leaving, a restart or the other messenger resume it; the
 * chat's flow state only says which survey free text belongs to.
 */
export function createAnswerFlow(deps: SurveysDeps) {
  const { surveys, clock } = deps;

  /** Loads the survey if the resident may answer it now; otherwise tells them why not. */
  async function answerable(turn: Turn, surveyId: number): Promise<Survey | undefined> {
    const survey = await surveys.get(surveyId);
    if (!survey || survey.status === "draft" || !(await appliesTo(deps, survey, turn))) {
      turn.leave();
      turn.say("surveys:not-found");
      return undefined;
    }
    if (!isAnswerable(survey, clock.now())) {
      turn.leave();
      await surveys.deleteDraft(survey.id, turn.resident.id);
      turn.say("surveys:closed", { title: localized(survey.title, turn.locale) });
      return undefined;
    }
    return survey;
  }

  async function show(turn: Turn, survey: Survey, draft: SurveyDraft): Promise<void> {
    const question = survey.questions[draft.position];
    if (!question) return summary(turn, survey, draft);
    turn.enter(SURVEYS_FEATURE, question.type === "text" ? "text" : "answer", { s: survey.id, q: question.position });
    turn.reply(questionMessage(turn, survey, question, draft.answers[String(question.position)]));
  }

  function summary(turn: Turn, survey: Survey, draft: SurveyDraft): void {
    turn.enter(SURVEYS_FEATURE, "summary", { s: survey.id });
    const frame = [turn.t("surveys:summary", { title: localized(survey.title, turn.locale) }), turn.t("surveys:summary-confirm")];
    const lines = summaryLines(
      turn,
      survey.questions.map((q) => ({ position: q.position, question: localized(q.text, turn.locale), answer: describeAnswer(turn, q, draft.answers[String(q.position)]) })),
      PAGE_CHARS - frame.reduce((sum, line) => sum + htmlToPlain(line).length + 1, 0),
    );
    const s = survey.id;
    turn.reply({
      html: [frame[0]!, ...lines, frame[1]!].join("\n"),
      choices: [
        [{ label: turn.t(draft.changing ? "surveys:send-change" : "surveys:send"), action: `surveys:send:${s}` }],
        [
          { label: turn.t("surveys:back"), action: `surveys:back:${s}:${survey.questions.length}` },
          { label: turn.t("surveys:pause"), action: "menu:open" },
        ],
      ],
    });
  }

  /** Starts, continues or (when allowed) changes the resident's response. */
  async function start(turn: Turn, surveyId: number, changing: boolean): Promise<void> {
    const survey = await answerable(turn, surveyId);
    if (!survey) return;
    let draft = await surveys.getDraft(survey.id, turn.resident.id);
    if (!draft) {
      const previous = await surveys.findResponse(survey, turn.resident.id);
      if (previous && !(changing && survey.allowChange)) {
        turn.say(survey.allowChange ? "surveys:already-answered-change" : "surveys:already-answered", {}, [
          ...(survey.allowChange ? [[{ label: turn.t("surveys:change"), action: `surveys:change:${survey.id}` }]] : []),
          [{ label: turn.t("menu:back"), action: "menu:open" }],
        ]);
        return;
      }
      draft = previous ? { position: 0, answers: previous, changing: true } : { position: 0, answers: {}, changing: false };
      await surveys.saveDraft(survey.id, turn.resident.id, draft);
    }
    await show(turn, survey, draft);
  }

  /**
   * Loads survey and draft for an action on question `q`. A press on an older question's button
   * (after going back or from another messenger) shows the current question again instead.
   */
  async function current(turn: Turn, surveyId: number, q: number | undefined): Promise<{ survey: Survey; draft: SurveyDraft } | undefined> {
    const survey = await answerable(turn, surveyId);
    if (!survey) return undefined;
    const draft = await surveys.getDraft(survey.id, turn.resident.id);
    if (!draft) {
      // Submitted meanwhile (perhaps from the other messenger), or never started.
      await start(turn, survey.id, false);
      return undefined;
    }
    if (q !== undefined && q !== draft.position) {
      turn.say("surveys:moved-on");
      await show(turn, survey, draft);
      return undefined;
    }
    return { survey, draft };
  }

  async function store(turn: Turn, survey: Survey, draft: SurveyDraft, answer: DraftAnswer, advance: boolean): Promise<void> {
    const next: SurveyDraft = {
      ...draft,
      answers: { ...draft.answers, [String(draft.position)]: answer },
      position: advance ? draft.position + 1 : draft.position,
    };
    await surveys.saveDraft(survey.id, turn.resident.id, next);
    await show(turn, survey, next);
  }

  const questionAt = (survey: Survey, draft: SurveyDraft): SurveyQuestion | undefined => survey.questions[draft.position];

  /** How many answers a multiple-choice answer holds, "other" counted as one. */
  const picksOf = (answer: DraftAnswer | undefined): number => (answer?.picks?.length ?? 0) + (answer?.other !== undefined ? 1 : 0);

  /**
   * A tick beyond the question's maximum is refused when it is made, not only at "Done", so the
   * resident sees at once that they must untick one first; the answer stays as it was.
   */
  async function refuseBeyondMax(turn: Turn, survey: Survey, draft: SurveyDraft, question: SurveyQuestion): Promise<void> {
    turn.say("surveys:pick-max", { count: maxPicks(question) });
    await show(turn, survey, draft);
  }

  async function pick(turn: Turn, surveyId: number, q: number, value: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const { survey, draft } = loaded;
    const question = questionAt(survey, draft);
    if (!question) return;
    if (question.type === "single" && question.options.some((o) => o.position === value)) {
      return store(turn, survey, draft, { picks: [value] }, true);
    }
    if ((question.type === "scale" && scaleValues(question).includes(value)) || (question.type === "yesno" && (value === 0 || value === 1))) {
      return store(turn, survey, draft, { value }, true);
    }
    turn.say("common:stale-action");
  }

  async function toggle(turn: Turn, surveyId: number, q: number, position: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const { survey, draft } = loaded;
    const question = questionAt(survey, draft);
    if (question?.type !== "multiple" || !question.options.some((o) => o.position === position)) {
      turn.say("common:stale-action");
      return;
    }
    const previous = draft.answers[String(q)];
    const picks = new Set(previous?.picks ?? []);
    if (picks.has(position)) picks.delete(position);
    else if (picksOf(previous) >= maxPicks(question)) return refuseBeyondMax(turn, survey, draft, question);
    else picks.add(position);
    const other = previous?.other;
    await store(turn, survey, draft, { picks: [...picks].sort((a, b) => a - b), ...(other !== undefined ? { other } : {}) }, false);
  }

  async function done(turn: Turn, surveyId: number, q: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const { survey, draft } = loaded;
    const question = questionAt(survey, draft);
    if (question?.type !== "multiple") {
      turn.say("common:stale-action");
      return;
    }
    const answer = draft.answers[String(q)] ?? { picks: [] };
    const count = picksOf(answer);
    const min = question.minPicks ?? (question.required ? 1 : 0);
    const max = maxPicks(question);
    if (count === 0 && !question.required) return store(turn, survey, draft, { skipped: true }, true);
    if (count < min || count > max) {
      turn.say("surveys:pick-count", { min, max, count });
      return show(turn, survey, draft);
    }
    await store(turn, survey, draft, answer, true);
  }

  async function askOther(turn: Turn, surveyId: number, q: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const question = questionAt(loaded.survey, loaded.draft);
    if (!question?.allowOther) {
      turn.say("common:stale-action");
      return;
    }
    const previous = loaded.draft.answers[String(q)];
    if (question.type === "multiple" && previous?.other !== undefined) {
      // Pressing a ticked "other" unticks it, like every other option of a multiple choice.
      const { other: _dropped, ...rest } = previous;
      return store(turn, loaded.survey, loaded.draft, rest, false);
    }
    if (question.type === "multiple" && picksOf(previous) >= maxPicks(question)) return refuseBeyondMax(turn, loaded.survey, loaded.draft, question);
    const kept = question.type === "single" ? previous?.other : undefined;
    turn.enter(SURVEYS_FEATURE, "other", { s: surveyId, q });
    turn.say("surveys:other-prompt", { max: textLimit(question) }, [
      // An "other" text written before going back can be kept as it is instead of typed again.
      ...(kept !== undefined ? [[{ label: turn.t("surveys:keep-answer"), action: `surveys:keep:${surveyId}:${q}` }]] : []),
      [{ label: turn.t("surveys:cancel-other"), action: `surveys:start:${surveyId}` }],
    ]);
  }

  /**
   * Keeps the free text (or "other" text) the question already has and moves on: after going
   * back, a written answer need not be typed again, and skipping would erase it.
   */
  async function keep(turn: Turn, surveyId: number, q: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const { survey, draft } = loaded;
    const question = questionAt(survey, draft);
    const answer = draft.answers[String(q)];
    const kept = question?.type === "text" ? answer?.text : question?.type === "single" ? answer?.other : undefined;
    if (!question || !answer || kept === undefined) {
      turn.say("common:stale-action");
      return show(turn, survey, draft);
    }
    const next = { ...draft, position: draft.position + 1 };
    await surveys.saveDraft(survey.id, turn.resident.id, next);
    await show(turn, survey, next);
  }

  /**
   * "1,2", "1 2" or "1, 3" on a multiple-choice question: the numbers of the options in the list
   * last shown. They become the question's ticks (an "other" text stays); anything that is not an
   * option's number, or more answers than allowed, is refused and changes nothing.
   */
  async function typedPicks(turn: Turn, survey: Survey, draft: SurveyDraft, question: SurveyQuestion, input: string): Promise<boolean> {
    const match = /^\d{1,3}(?:\s*[,;]\s*\d{1,3}|\s+\d{1,3})+$/.exec(input);
    if (!match) return false;
    const numbers = input.split(/[\s,;]+/).filter((n) => n.length > 0).map(Number);
    const prefix = `surveys:tog:${survey.id}:${question.position}:`;
    const picks = new Set<number>();
    const invalid: number[] = [];
    for (const number of numbers) {
      const action = turn.state.choices[number - 1];
      const position = action?.startsWith(prefix) ? Number(action.slice(prefix.length)) : undefined;
      if (position === undefined || !question.options.some((o) => o.position === position)) invalid.push(number);
      else picks.add(position);
    }
    if (invalid.length > 0) {
      turn.say("surveys:picks-invalid", { numbers: invalid.join(", "), count: invalid.length });
      await show(turn, survey, draft);
      return true;
    }
    const previous = draft.answers[String(question.position)];
    const other = previous?.other;
    if (picks.size + (other !== undefined ? 1 : 0) > maxPicks(question)) {
      await refuseBeyondMax(turn, survey, draft, question);
      return true;
    }
    await store(turn, survey, draft, { picks: [...picks].sort((a, b) => a - b), ...(other !== undefined ? { other } : {}) }, false);
    return true;
  }

  async function back(turn: Turn, surveyId: number, q: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const next = { ...loaded.draft, position: Math.max(0, loaded.draft.position - 1) };
    await surveys.saveDraft(surveyId, turn.resident.id, next);
    await show(turn, loaded.survey, next);
  }

  async function skip(turn: Turn, surveyId: number, q: number): Promise<void> {
    const loaded = await current(turn, surveyId, q);
    if (!loaded) return;
    const question = questionAt(loaded.survey, loaded.draft);
    if (!question || question.required) {
      turn.say("surveys:required");
      return show(turn, loaded.survey, loaded.draft);
    }
    await store(turn, loaded.survey, loaded.draft, { skipped: true }, true);
  }

  /** Free text: the answer to a text question, an "other" text, or a misplaced message. */
  async function text(turn: Turn, input: string): Promise<void> {
    const surveyId = typeof turn.state.data["s"] === "number" ? turn.state.data["s"] : undefined;
    const q = typeof turn.state.data["q"] === "number" ? turn.state.data["q"] : undefined;
    if (surveyId === undefined) return turn.dispatch("menu:open");
    const loaded = await current(turn, surveyId, turn.state.step === "summary" ? undefined : q);
    if (!loaded) return;
    const { survey, draft } = loaded;
    const question = questionAt(survey, draft);
    const step = turn.state.step;
    if (question?.type === "multiple" && step === "answer" && (await typedPicks(turn, survey, draft, question, input.trim()))) return;
    if (!question || (step !== "text" && step !== "other")) {
      turn.say("surveys:use-choices");
      return show(turn, survey, draft);
    }
    const limit = textLimit(question);
    const value = input.trim();
    if (value.length === 0 || value.length > limit) {
      turn.say("surveys:text-length", { max: limit, length: value.length });
      if (step === "other") turn.say("surveys:other-prompt", { max: limit });
      else await show(turn, survey, draft);
      return;
    }
    if (step === "text") return store(turn, survey, draft, { text: value }, true);
    if (question.type === "single") return store(turn, survey, draft, { picks: [], other: value }, true);
    const previous = draft.answers[String(question.position)];
    if (previous?.other === undefined && picksOf(previous) >= maxPicks(question)) return refuseBeyondMax(turn, survey, draft, question);
    await store(turn, survey, draft, { picks: previous?.picks ?? [], other: value }, false);
  }

  async function send(turn: Turn, surveyId: number): Promise<void> {
    const loaded = await current(turn, surveyId, undefined);
    if (!loaded) return;
    const { survey, draft } = loaded;
    const missing = survey.questions.find((q) => q.required && !isAnswered(draft.answers[String(q.position)]));
    if (missing) {
      turn.say("surveys:required");
      const next = { ...draft, position: missing.position };
      await surveys.saveDraft(survey.id, turn.resident.id, next);
      return show(turn, survey, next);
    }
    if (draft.position < survey.questions.length) return show(turn, survey, draft);
    const outcome = await surveys.submit(survey, turn.resident.id, draft.answers, draft.changing, clock.now());
    turn.leave();
    const title = localized(survey.title, turn.locale);
    turn.say(`surveys:outcome-${outcome}`, { title }, [[{ label: turn.t("menu:back"), action: "menu:open" }]]);
  }

  return { start, pick, toggle, done, askOther, keep, back, skip, text, send };
}

export type AnswerFlow = ReturnType<typeof createAnswerFlow>;
