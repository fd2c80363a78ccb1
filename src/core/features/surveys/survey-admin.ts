import type { CommandSpec } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { areaLineage } from "../../model/area-tree.js";
import { grantsAllow } from "../../model/role.js";
import { isAnswerable, localized, type Survey, type SurveyStatus } from "../../model/survey.js";
import { DEFAULT_LOCALE } from "../../model/locale.js";
import { announcement } from "./survey-announcement.js";
import { SURVEYS_FEATURE, parseId, type SurveysDeps } from "./survey-deps.js";
import type { Choice } from "../../model/outbound-message.js";
import { actorOf } from "../ideas/access.js";
import { formatMoment } from "../../render/format-date.js";
import { definePageAction, renderPage } from "../../render/pager.js";
import type { createSurveyResults } from "./survey-results.js";
import { resultsFiles } from "./results-files.js";

/** Pages of /surveys, the overview of every survey ever imported. */
export const OVERVIEW_PAGES = definePageAction("surveys", "ovp");

/** The conversation step while an admin is asked to confirm closing-and-publishing or opening early. */
export const CONFIRM_STEP = "admin-confirm";
/** Action verbs of the confirmation: "surveys:apub:S", "surveys:aopen:S", "surveys:acancel:S". */
export const CONFIRM_VERBS = { publish: "apub", open: "aopen", cancel: "acancel" } as const;

type ConfirmKind = "publish" | "open";

/** What the chat remembers while the question is open: what, of which survey, who was asked and when. */
interface PendingConfirmation {
  readonly kind: ConfirmKind;
  readonly surveyId: number;
  readonly residentId: number;
  readonly askedAt: string;
}

/** The admin commands, and what the free-text pages of /survey_results answer to. */
export interface SurveyAdmin {
  readonly commands: CommandSpec[];
  /** A confirmation's choice (verb from CONFIRM_VERBS); false when `verb` is none of them. */
  confirmAction(turn: Turn, verb: string, surveyId: number): Promise<boolean>;
  /** Text typed while a confirmation is open: asks again with the choices; false when none is open. */
  confirmText(turn: Turn): boolean;
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
  const windowMs = deps.confirmWithinMs ?? 10 * 60_000;
  const minutes = Math.max(1, Math.round(windowMs / 60_000));

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
    const items = all.map(({ survey, responses }) => {
      const line = turn.t("surveys:admin-list-item", {
        id: survey.id,
        title: title(turn, survey),
        status: turn.t(`surveys:status-${survey.status}`),
        count: responses,
        closes: formatMoment(survey.closesAt, turn.locale, deps.timeZone),
      });
      const early = survey.plannedOpensAt ? ` (${turn.t("surveys:admin-list-early", { planned: formatMoment(survey.plannedOpensAt, turn.locale, deps.timeZone) })})` : "";
      return { html: line + early, value: undefined };
    });
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
    if (survey.opensAt !== null && survey.opensAt > now) return ask(turn, "open", survey);
    await openNow(turn, survey);
  }

  /** Opens the survey now (before its planned date only after the admin confirmed) and announces it. */
  async function openNow(turn: Turn, survey: Survey): Promise<void> {
    const now = clock.now();
    const early = survey.opensAt !== null && survey.opensAt > now;
    const opensAt = survey.opensAt === null || early ? now : undefined;
    const opened = await surveys.setStatus(survey.id, "open", opensAt, now);
    if (!opened) return;
    // Same unit of work as the status change: the feed rows commit together with it or not at all.
    const receipt = await deps.publisher.publish({
      audience: { kind: "feed", feed: "surveys", areaId: opened.areaId },
      origin: `survey:${opened.id}:opened`,
      title: localized(opened.title, DEFAULT_LOCALE),
      content: (locale) => announcement(deps.translator, locale, opened, deps.timeZone),
    });
    await deps.audit.record(actorOf(turn), "survey.open", "survey", opened.id, null);
    turn.say("surveys:admin-opened", { id: opened.id, title: title(turn, opened), count: receipt.recipients });
    if (early && opened.plannedOpensAt) {
      turn.say("surveys:admin-opened-early", { planned: formatMoment(opened.plannedOpensAt, turn.locale, deps.timeZone) });
    }
  }

  function confirmChoices(turn: Turn, kind: ConfirmKind, surveyId: number): Choice[][] {
    // Cancel comes first, so that a reply "1" never closes or opens anything.
    return [
      [{ label: turn.label("surveys:admin-confirm-cancel"), action: `surveys:${CONFIRM_VERBS.cancel}:${surveyId}` }],
      [{ label: turn.label(`surveys:admin-confirm-${kind}-button`, { id: surveyId }), action: `surveys:${CONFIRM_VERBS[kind]}:${surveyId}` }],
    ];
  }

  function ask(turn: Turn, kind: ConfirmKind, survey: Survey): void {
    const pending: PendingConfirmation = { kind, surveyId: survey.id, residentId: turn.resident.id, askedAt: clock.now().toISOString() };
    turn.enter(SURVEYS_FEATURE, CONFIRM_STEP, { ...pending });
    const html = turn.t(`surveys:admin-confirm-${kind}`, {
      id: survey.id,
      title: title(turn, survey),
      closes: formatMoment(survey.closesAt, turn.locale, deps.timeZone),
      opens: survey.opensAt ? formatMoment(survey.opensAt, turn.locale, deps.timeZone) : "",
      count: minutes,
    });
    turn.reply({ html, choices: confirmChoices(turn, kind, survey.id) });
  }

  function pendingOf(turn: Turn): PendingConfirmation | undefined {
    if (turn.state.flow !== SURVEYS_FEATURE || turn.state.step !== CONFIRM_STEP) return undefined;
    const { kind, surveyId, residentId, askedAt } = turn.state.data;
    if (kind !== "publish" && kind !== "open") return undefined;
    if (typeof surveyId !== "number" || typeof residentId !== "number" || typeof askedAt !== "string") return undefined;
    return { kind, surveyId, residentId, askedAt };
  }

  /** True when this choice answers the question asked in this chat, of this admin, about this survey, a moment ago. */
  function stillValid(pending: PendingConfirmation | undefined, turn: Turn, kind: ConfirmKind, surveyId: number): boolean {
    if (!pending || pending.kind !== kind || pending.surveyId !== surveyId || pending.residentId !== turn.resident.id) return false;
    const asked = Date.parse(pending.askedAt);
    const elapsed = clock.now().getTime() - asked;
    return Number.isFinite(asked) && elapsed >= 0 && elapsed <= windowMs;
  }

  async function confirmAction(turn: Turn, verb: string, surveyId: number): Promise<boolean> {
    const kind = verb === CONFIRM_VERBS.publish ? "publish" : verb === CONFIRM_VERBS.open ? "open" : verb === CONFIRM_VERBS.cancel ? "cancel" : undefined;
    if (kind === undefined) return false;
    // In a group the question is the asking admin's: someone else's reply neither answers nor ends it.
    const found = pendingOf(turn);
    const pending = found && found.residentId === turn.resident.id ? found : undefined;
    if (kind === "cancel") {
      if (pending) turn.leave();
      turn.say(pending ? "surveys:admin-confirm-cancelled" : "common:stale-action", { id: surveyId });
      return true;
    }
    if (!stillValid(pending, turn, kind, surveyId)) {
      if (pending) turn.leave();
      const command = `${turn.capabilities.commandPrefix}survey_${kind} ${surveyId}`;
      turn.say("surveys:admin-confirm-expired", { command });
      return true;
    }
    turn.leave();
    // Checked again: the role or the survey may have changed since the question.
    const survey = await target(turn, String(surveyId));
    if (!survey) return true;
    if (kind === "publish") await publish(turn, survey, false);
    else if (survey.status === "draft" && survey.closesAt > clock.now()) await openNow(turn, survey);
    else turn.say("surveys:admin-wrong-status", { id: survey.id, status: turn.t(`surveys:status-${survey.status}`) });
    return true;
  }

  function confirmText(turn: Turn): boolean {
    const pending = pendingOf(turn);
    if (!pending) return false;
    turn.say("surveys:admin-confirm-pending", {}, confirmChoices(turn, pending.kind, pending.surveyId));
    return true;
  }

  /** Publishes the results; an open survey is only closed and published after the admin confirmed. */
  async function publish(turn: Turn, survey: Survey, ask_: boolean): Promise<void> {
    if (survey.status !== "open" && survey.status !== "closed") {
      turn.say("surveys:admin-wrong-status", { id: survey.id, status: turn.t(`surveys:status-${survey.status}`) });
      return;
    }
    if (survey.status === "open" && ask_) return ask(turn, "publish", survey);
    await surveys.setStatus(survey.id, "published", undefined, clock.now());
    // A confirmed publish of an open survey closes it too: both acts go into the record.
    if (survey.status === "open") await deps.audit.record(actorOf(turn), "survey.close", "survey", survey.id, null);
    await deps.audit.record(actorOf(turn), "survey.publish", "survey", survey.id, null);
    turn.say("surveys:admin-published", { id: survey.id, title: title(turn, survey) });
  }

  async function setStatus(turn: Turn, args: string, status: SurveyStatus, from: readonly SurveyStatus[]): Promise<void> {
    const survey = await target(turn, args);
    if (!survey) return;
    if (!from.includes(survey.status)) {
      turn.say("surveys:admin-wrong-status", { id: survey.id, status: turn.t(`surveys:status-${survey.status}`) });
      return;
    }
    await surveys.setStatus(survey.id, status);
    await deps.audit.record(actorOf(turn), `survey.${status === "closed" ? "close" : "publish"}`, "survey", survey.id, null);
    turn.say(`surveys:admin-${status}`, { id: survey.id, title: title(turn, survey) });
  }

  async function showResults(turn: Turn, args: string): Promise<void> {
    const survey = await target(turn, args);
    if (!survey) return;
    for (const message of await results.render(turn, survey, true)) turn.reply(message);
    // A chat that shows no pictures (the terminal) but takes files gets the charts and numbers as
    // files, the same as `npm run admin -- survey results`; the channel says where they are.
    if (turn.capabilities.images || !turn.capabilities.files) return;
    const files = await resultsFiles({ locale: turn.locale, t: (key, values) => turn.t(key, values), charts: deps.charts }, survey, await surveys.results(survey));
    turn.say("surveys:results-files", { count: files.length });
    for (const file of files) turn.reply({ html: turn.t("surveys:results-file", { name: file.fileName }), file });
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
    await deps.audit.record(actorOf(turn), "survey.publish_text", "survey", survey.id, answerId);
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
      run: async (turn, args) => {
        const survey = await target(turn, args);
        if (survey) await publish(turn, survey, true);
      },
    },
    // Results include every free text, which is not for a group's eyes before publication.
    { name: "survey_results", scope: "private", audience: admin, descriptionKey: "surveys:command-results", run: showResults },
    { name: "survey_publish_text", scope: "private", audience: admin, descriptionKey: "surveys:command-publish-text", run: publishText },
    { name: "survey_announce", scope: "group", audience: admin, descriptionKey: "surveys:command-announce", run: announce },
  ];
  return { commands, texts, overview, confirmAction, confirmText };
}
