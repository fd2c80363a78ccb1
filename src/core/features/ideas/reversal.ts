import type { CommandSpec } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import type { Choice } from "../../model/outbound-message.js";
import { definePageAction, renderPage, shortenedHtml, type PageItem } from "../../render/pager.js";
import { formatMoment } from "../../render/format-date.js";
import { actorOf, deny, idAndRest, mayAct, residentForModerator, ideaInScope } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { isPublic, type Idea, type IdeaStatus, type Report } from "./idea-model.js";

/** Pages of `/reports` ("mod:rpp:page"). */
export const REPORT_PAGES = definePageAction("mod", "rpp");

/** Open reports /reports reads at most; moderators work from the oldest. */
const REPORTS_LIMIT = 200;
/** Reports per page: each brings its own choices. */
const REPORTS_SHOWN = 5;
const EXCERPT = 200;
const NOTE_MAX = 500;

/**
 * What a report of something other than an idea is about (news items), for /reports: its area,
 * for the moderator's scope, and its content. Undefined when it no longer exists.
 *
 * @example
 * const news: ReportSubjects = { news: async (turn, id) => ({ areaId: 6, html: "<b>Neuigkeit Nr. 3</b> …" }) };
 */
export interface ReportSubjects {
  news(turn: Turn, newsId: number): Promise<{ readonly areaId: number | null; readonly html: string } | undefined>;
}

/** What a report is about, as the moderator may see it; undefined when outside their areas. */
interface Subject {
  readonly html: string;
  /** The reported idea while it is public, so it can still be hidden. */
  readonly hideable: Idea | undefined;
}

/**
 * The counterparts of /block and /hide and the list of open reports. Each act is a conditional
 * update (it happens once; a second moderator is told it is already done), lands in the audit
 * log, and refuses in translated words when its target is not in that state or not in the
 * moderator's areas.
 */
export function createReversal(deps: IdeasDeps & { readonly reportSubjects?: ReportSubjects }) {
  const prefix = (turn: Turn) => turn.capabilities.commandPrefix;

  async function unblock(turn: Turn, args: string): Promise<void> {
    const { id, rest } = idAndRest(args);
    if (id === undefined) return turn.say("ideas:unblock-usage", { prefix: prefix(turn) });
    const resident = await residentForModerator(turn, deps, id);
    if (!resident) return;
    if (!(await deps.moderation.unblockResident(id))) return turn.say("ideas:unblock-not-blocked", { id });
    await deps.audit.record(actorOf(turn), "resident.unblock", "resident", id, rest.slice(0, NOTE_MAX) || null);
    turn.say("ideas:unblocked-done", { id });
  }

  /** The public status a hidden idea had before it was hidden (its path says); approved when unknown. */
  async function statusBeforeHiding(ideaId: number): Promise<IdeaStatus> {
    const hiding = (await deps.ideas.history(ideaId)).filter((c) => c.toStatus === "hidden").at(-1);
    const before = hiding?.fromStatus;
    return before && isPublic(before) ? before : "approved";
  }

  async function unhide(turn: Turn, args: string): Promise<void> {
    const { id, rest } = idAndRest(args);
    if (id === undefined) return turn.say("ideas:unhide-usage", { prefix: prefix(turn) });
    const idea = await ideaInScope(turn, deps.areas, deps.ideas, "moderator", id);
    if (!idea) return;
    if (idea.status !== "hidden") return turn.say("ideas:unhide-not-hidden", { id, status: turn.t(`ideas:status-${idea.status}`) });
    const to = await statusBeforeHiding(id);
    const note = rest.slice(0, NOTE_MAX) || null;
    const outcome = await deps.ideas.transition(id, ["hidden"], to, actorOf(turn), note);
    if (outcome.kind !== "changed") {
      const status = outcome.kind === "missing" ? "" : turn.t(`ideas:status-${outcome.idea.status}`);
      return turn.say(outcome.kind === "missing" ? "ideas:not-found" : "ideas:unhide-not-hidden", { id, status });
    }
    await deps.audit.record(actorOf(turn), "idea.unhide", "idea", id, note);
    if (idea.authorId !== null) {
      await deps.publisher.publish({
        audience: { kind: "residents", residentIds: [idea.authorId] },
        origin: `idea:${id}:unhidden:${outcome.change.id}`,
        title: `Idea ${id}: visible again`,
        content: (locale) => ({
          html: deps.translator.t(locale, note ? "ideas:notify-unhidden-note" : "ideas:notify-unhidden", { id, title: idea.title, note: note ?? "" }),
          choices: [[{ label: deps.translator.t(locale, "ideas:open-idea"), action: `ideas:show:${id}` }]],
        }),
      });
    }
    turn.say("ideas:unhidden-done", { id, title: idea.title, status: turn.t(`ideas:status-${to}`) });
  }

  /** The reported thing, or undefined when this moderator is not responsible for it. */
  async function subjectOf(turn: Turn, report: Report): Promise<Subject | undefined> {
    if (report.targetType === "news") {
      const news = await deps.reportSubjects?.news(turn, report.targetId);
      if (!news) return (await mayAct(turn, deps.areas, "moderator", null)) ? { html: turn.t("ideas:report-subject-gone"), hideable: undefined } : undefined;
      return (await mayAct(turn, deps.areas, "moderator", news.areaId)) ? { html: news.html, hideable: undefined } : undefined;
    }
    const idea = await deps.ideas.get(report.targetId);
    if (!idea) return (await mayAct(turn, deps.areas, "moderator", null)) ? { html: turn.t("ideas:report-subject-gone"), hideable: undefined } : undefined;
    if (!(await mayAct(turn, deps.areas, "moderator", idea.areaId))) return undefined;
    const html = turn.t("ideas:report-subject-idea", {
      id: idea.id,
      title: idea.title,
      status: turn.t(`ideas:status-${idea.status}`),
    });
    return { html: `${html}\n${shortenedHtml(turn, idea.description, EXCERPT)}`, hideable: isPublic(idea.status) ? idea : undefined };
  }

  /** `/reports`: open reports in the moderator's areas, oldest first, each with Dismiss (and Hide). */
  async function reports(turn: Turn, page: number): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "moderator", "any"))) return deny(turn);
    const items: PageItem<Choice[]>[] = [];
    for (const report of await deps.moderation.openReports(REPORTS_LIMIT)) {
      const subject = await subjectOf(turn, report);
      if (!subject) continue;
      const head = turn.t(report.reason ? "ideas:report-line-reason" : "ideas:report-line", {
        reportId: report.id,
        at: formatMoment(report.createdAt, turn.locale, deps.timeZone),
        reporter: report.reporterId ?? "–",
        reason: report.reason ?? "",
      });
      const choices: Choice[] = [{ label: turn.label("ideas:report-dismiss", { reportId: report.id }), action: `mod:rdis:${report.id}` }];
      if (subject.hideable) choices.push({ label: turn.label("ideas:report-hide", { id: subject.hideable.id }), action: `mod:rhide:${report.id}` });
      items.push({ html: `${head}\n${subject.html}`, value: choices, choiceChars: choices.reduce((n, c) => n + c.label.length + 6, 0) });
    }
    if (items.length === 0) return turn.say("ideas:reports-empty");
    const view = renderPage(turn, {
      header: turn.t("ideas:reports-heading", { count: items.length }),
      items,
      page,
      action: REPORT_PAGES,
      separator: "\n\n",
      maxItems: REPORTS_SHOWN,
    });
    turn.reply({ html: view.html, choices: [...view.items.map((row) => row), ...(view.navigation.length > 0 ? [view.navigation] : [])] });
  }

  /** The open report numbered `id` when the sender may act on it; otherwise answered. */
  async function openReport(turn: Turn, id: number | undefined): Promise<{ report: Report; subject: Subject } | undefined> {
    if (!(await mayAct(turn, deps.areas, "moderator", "any"))) {
      deny(turn);
      return undefined;
    }
    const report = id === undefined ? undefined : await deps.moderation.getReport(id);
    const subject = report ? await subjectOf(turn, report) : undefined;
    if (!report || !subject) {
      turn.say("ideas:report-not-found-for-you", { id: id ?? "?" });
      return undefined;
    }
    if (report.resolvedAt) {
      turn.say("ideas:report-already-resolved", { id: report.id, at: formatMoment(report.resolvedAt, turn.locale, deps.timeZone) });
      return undefined;
    }
    return { report, subject };
  }

  async function dismiss(turn: Turn, id: number | undefined): Promise<void> {
    const found = await openReport(turn, id);
    if (!found) return;
    if (!(await deps.moderation.resolveReport(found.report.id, deps.clock.now()))) {
      return turn.say("ideas:report-already-resolved", { id: found.report.id, at: formatMoment(deps.clock.now(), turn.locale, deps.timeZone) });
    }
    await deps.audit.record(actorOf(turn), "report.dismiss", "report", found.report.id, null);
    turn.say("ideas:report-dismissed", { id: found.report.id });
  }

  /** Hiding needs a reason for the author, which a button cannot carry: it asks for /hide. */
  async function askHide(turn: Turn, id: number | undefined): Promise<void> {
    const found = await openReport(turn, id);
    if (!found) return;
    const idea = found.subject.hideable;
    if (!idea) return turn.say("ideas:report-not-hideable", { id: found.report.id });
    turn.say("ideas:report-hide-how", { id: idea.id, reportId: found.report.id, prefix: prefix(turn) });
  }

  const commands: CommandSpec[] = [
    { name: "unblock", scope: "any", audience: "moderator", descriptionKey: "ideas:command-unblock", run: (turn, args) => unblock(turn, args) },
    { name: "unhide", scope: "any", audience: "moderator", descriptionKey: "ideas:command-unhide", run: (turn, args) => unhide(turn, args) },
    { name: "reports", scope: "any", audience: "moderator", descriptionKey: "ideas:command-reports", run: (turn) => reports(turn, 1) },
  ];

  return { commands, reports, dismiss, askHide };
}
