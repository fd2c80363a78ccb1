import { auditLine } from "../audit/audit-text.js";
import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import type { OutboundMessage } from "../../model/outbound-message.js";
import { actorOf, deny, idAndRest, mayAct, parseId, residentForModerator, ideaInScope } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
export type { ModerationQueueSource } from "./ideas-deps.js";
import { PUBLIC_STATUSES, type IdeaStatus } from "./idea-model.js";
import type { TransitionOutcome } from "./idea-ports.js";
import { moderationCard } from "./moderators.js";
import { announceApproved, notifyStatus } from "./notify.js";
import { storedPhoto } from "../photo-step.js";
import { formatMoment } from "../../render/format-date.js";
import { definePageAction, pageNavigation, renderPage } from "../../render/pager.js";
import { createReversal, REPORT_PAGES } from "./reversal.js";

/** Pages of `/audit N` ("mod:aup:N:page") and of `/queue` ("mod:qp:page"). */
export const AUDIT_PAGES = definePageAction("mod", "aup", 1);
export const QUEUE_PAGES = definePageAction("mod", "qp");

/** Cards per page of /queue: each is a message of its own, perhaps with a photo. */
const QUEUE_SHOWN = 10;
/** Pending ideas /queue reads at most; a moderator works from the oldest. */
const QUEUE_LIMIT = 200;
const AUDIT_DEFAULT = 20;
const AUDIT_MAX = 100;
const REASON_MAX = 500;

/** Admin of everything (scope "*"): sets the moderation chat and reads the audit log. */
export async function isGlobalAdmin(turn: Turn): Promise<boolean> {
  return (await turn.roles()).some((g) => g.role === "admin" && g.scope === "*");
}


/**
 * Pre-moderation: the queue, approve / reject / hide with reasons, blocking residents, the
 * moderation chat and the audit log. Every decision is a conditional update, so of two moderators
 * acting at once exactly one wins and the other is told who was faster.
 */
/** "11–20", or "11" for a single one. */
const positions = (first: number, last: number): string => (first === last ? String(first) : `${first}–${last}`);

export function createModerationFeature(deps: IdeasDeps): Feature {
  const stamp = (at: Date, turn: Turn) => formatMoment(at, turn.locale, deps.timeZone);
  const reversal = createReversal(deps);
  /** Answers a lost race or a stale request with what the idea's status is and who set it. */
  function explainConflict(turn: Turn, outcome: Exclude<TransitionOutcome, { kind: "changed" }>, id: number): void {
    if (outcome.kind === "missing") {
      turn.say("ideas:not-found");
      return;
    }
    const status = turn.t(`ideas:status-${outcome.idea.status}`);
    if (outcome.last) {
      turn.say("ideas:mod-conflict", { id, status, by: outcome.last.actor.name, at: stamp(outcome.last.createdAt, turn) });
    } else {
      turn.say("ideas:mod-conflict-unknown", { id, status });
    }
  }

  /** The idea when the sender may moderate it; one answer for a missing idea and one elsewhere. */
  const moderatedIdea = (turn: Turn, id: number | undefined) => ideaInScope(turn, deps.areas, deps.ideas, "moderator", id);

  async function decide(
    turn: Turn,
    id: number | undefined,
    from: readonly IdeaStatus[],
    to: IdeaStatus,
    reason: string | null,
    action: string,
  ): Promise<void> {
    const idea = await moderatedIdea(turn, id);
    if (!idea || id === undefined) return;
    const outcome = await deps.ideas.transition(id, from, to, actorOf(turn), reason);
    if (outcome.kind !== "changed") return explainConflict(turn, outcome, id);
    await deps.audit.record(actorOf(turn), action, "idea", id, reason);
    // What the reports asked for is done: they leave /reports (an /unhide does not reopen them).
    if (to === "hidden") await deps.moderation.resolveReportsOn("idea", id, deps.clock.now());
    await notifyStatus(deps, outcome.idea, to, reason);
    // Only now is the idea public; the "ideas" feed carries newly published ideas.
    if (to === "approved") await announceApproved(deps, outcome.idea);
    turn.say(`ideas:mod-done-${to}`, { id, title: idea.title, reason: reason ?? "" });
  }

  /**
   * The queue, QUEUE_SHOWN cards a page: the moderator's pending ideas first, then the other
   * sources' items (news), oldest first. Each card is its own message (with photo and buttons);
   * the page line and "‹ Previous" / "Next ›" come last, so on channels without buttons the
   * numbers answer the navigation.
   */
  async function queue(turn: Turn, page: number): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "moderator", "any"))) return deny(turn);
    const pending = await deps.ideas.listByStatus(["pending"], "oldest", QUEUE_LIMIT);
    const mine = [];
    for (const idea of pending) if (await mayAct(turn, deps.areas, "moderator", idea.areaId)) mine.push(idea);
    const sources = deps.queueSources ?? [];
    const totals = [];
    for (const source of sources) totals.push((await source.pendingCards(turn, 0, 0)).total);
    const othersTotal = totals.reduce((sum, n) => sum + n, 0);
    const total = mine.length + othersTotal;
    if (total === 0) {
      turn.say("ideas:queue-empty");
      return;
    }
    const nav = pageNavigation(turn, { requested: page, pageCount: Math.ceil(total / QUEUE_SHOWN), action: QUEUE_PAGES });
    const from = (nav.page - 1) * QUEUE_SHOWN;
    const to = from + QUEUE_SHOWN;
    const ideasHere = mine.slice(from, to);
    if (ideasHere.length > 0) {
      // Only a page showing part of the list says which part ("here no. 11–20"), never "the oldest 1".
      const part = ideasHere.length < mine.length;
      turn.say(part ? "ideas:queue-heading-part" : "ideas:queue-heading", { count: mine.length, range: positions(from + 1, from + ideasHere.length) });
      const names = new Map((await deps.areas.list()).map((a) => [a.id, a.name]));
      for (const idea of ideasHere) {
        const photo = await storedPhoto(deps.photos, idea.photoId);
        turn.reply(moderationCard(deps, idea, idea.areaId === null ? null : (names.get(idea.areaId) ?? null), turn.locale, photo));
      }
    }
    // Positions after the ideas belong to the sources, one after the other.
    let start = mine.length;
    const others: OutboundMessage[] = [];
    for (const [index, source] of sources.entries()) {
      const end = start + totals[index]!;
      const offset = Math.max(from, start) - start;
      const limit = Math.min(to, end) - Math.max(from, start);
      if (limit > 0) others.push(...(await source.pendingCards(turn, offset, limit)).cards);
      start = end;
    }
    if (others.length > 0) {
      const first = Math.max(from, mine.length) - mine.length + 1;
      const part = others.length < othersTotal;
      turn.say(part ? "ideas:queue-other-heading-part" : "ideas:queue-other-heading", { count: othersTotal, range: positions(first, first + others.length - 1) });
      for (const card of others) turn.reply(card);
    }
    // The cards are messages of their own; the last message carries the page line and navigation.
    if (nav.line) turn.reply({ html: nav.line, ...(nav.choices.length > 0 ? { choices: [nav.choices] } : {}) });
  }

  async function withReason(
    turn: Turn,
    args: string,
    usageKey: string,
    run: (id: number, reason: string) => Promise<void>,
  ): Promise<void> {
    const { id, rest } = idAndRest(args);
    if (id === undefined || rest.length === 0) {
      turn.say(usageKey);
      return;
    }
    await run(id, rest.slice(0, REASON_MAX));
  }

  async function block(turn: Turn, args: string): Promise<void> {
    const { id, rest } = idAndRest(args);
    if (id === undefined) {
      turn.say("ideas:block-usage");
      return;
    }
    const resident = await residentForModerator(turn, deps, id);
    if (!resident) return;
    if (resident.blockedAt) {
      turn.say("ideas:block-already", { id, prefix: turn.capabilities.commandPrefix });
      return;
    }
    const reason = rest.slice(0, REASON_MAX) || null;
    await deps.moderation.blockResident(id, reason, deps.clock.now());
    await deps.audit.record(actorOf(turn), "resident.block", "resident", id, reason);
    turn.say("ideas:blocked-done", { id });
  }

  async function setModerationChat(turn: Turn): Promise<void> {
    if (!(await isGlobalAdmin(turn))) return deny(turn);
    await deps.moderation.setModerationChat({ channel: turn.event.channel, chatId: turn.event.chat.id });
    await deps.audit.record(actorOf(turn), "moderation-chat.set", "chat", `${turn.event.channel}:${turn.event.chat.id}`, null);
    turn.say("ideas:modchat-set");
  }

  /** `/audit N`: the latest N entries, paged; "mod:aup:N:P" is page P of the same N. */
  async function audit(turn: Turn, args: string, page = 1): Promise<void> {
    if (!(await isGlobalAdmin(turn))) return deny(turn);
    const wanted = Math.min(AUDIT_MAX, Math.max(1, parseId(args) ?? AUDIT_DEFAULT));
    const entries = await deps.audit.recent(wanted);
    if (entries.length === 0) {
      turn.say("ideas:audit-empty");
      return;
    }
    const items = entries.map((e) => ({ html: auditLine(turn, e, deps.timeZone), value: undefined }));
    const view = renderPage(turn, { header: turn.t("ideas:audit-heading", { count: entries.length }), items, page, action: AUDIT_PAGES, keys: [wanted] });
    turn.reply({ html: view.html, ...(view.navigation.length > 0 ? { choices: [view.navigation] } : {}) });
  }

  return {
    id: "mod",
    commands: [
      { name: "queue", scope: "any", audience: "moderator", descriptionKey: "ideas:command-queue", run: (turn) => queue(turn, 1) },
      {
        name: "approve",
        scope: "any",
        audience: "moderator",
        descriptionKey: "ideas:command-approve",
        run: (turn, args) => decide(turn, parseId(args), ["pending"], "approved", null, "idea.approve"),
      },
      {
        name: "reject",
        scope: "any",
        audience: "moderator",
        descriptionKey: "ideas:command-reject",
        run: (turn, args) =>
          withReason(turn, args, "ideas:reject-usage", (id, reason) => decide(turn, id, ["pending"], "rejected", reason, "idea.reject")),
      },
      {
        name: "hide",
        scope: "any",
        audience: "moderator",
        descriptionKey: "ideas:command-hide",
        run: (turn, args) =>
          withReason(turn, args, "ideas:hide-usage", (id, reason) => decide(turn, id, PUBLIC_STATUSES, "hidden", reason, "idea.hide")),
      },
      { name: "block", scope: "any", audience: "moderator", descriptionKey: "ideas:command-block", run: (turn, args) => block(turn, args) },
      ...reversal.commands,
      { name: "modchat", scope: "any", audience: "admin", descriptionKey: "ideas:command-modchat", run: (turn) => setModerationChat(turn) },
      { name: "audit", scope: "any", audience: "admin", descriptionKey: "ideas:command-audit", run: (turn, args) => audit(turn, args) },
    ],
    async handleAction(turn, verb, args) {
      const auditPage = AUDIT_PAGES.parse(verb, args);
      if (auditPage) return audit(turn, auditPage.keys[0]!, auditPage.page);
      const queuePage = QUEUE_PAGES.parse(verb, args);
      if (queuePage) return queue(turn, queuePage.page);
      const reportPage = REPORT_PAGES.parse(verb, args);
      if (reportPage) return reversal.reports(turn, reportPage.page);
      const id = parseId(args[0]);
      if (verb === "rdis") return reversal.dismiss(turn, id);
      if (verb === "rhide") return reversal.askHide(turn, id);
      if (verb === "ok") return decide(turn, id, ["pending"], "approved", null, "idea.approve");
      if (verb === "no") {
        // Buttons carry no text, and groups only let the bot read commands: ask for /reject with a reason.
        const idea = await moderatedIdea(turn, id);
        if (!idea) return;
        if (idea.status !== "pending") return explainConflict(turn, { kind: "conflict", idea, last: (await deps.ideas.history(idea.id)).at(-1) }, idea.id);
        return turn.say("ideas:reject-how", { id: idea.id, prefix: turn.capabilities.commandPrefix });
      }
      turn.say("common:stale-action");
    },
  };
}
