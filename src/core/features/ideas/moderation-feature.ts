import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import type { OutboundMessage } from "../../model/outbound-message.js";
import { actorOf, deny, idAndRest, mayAct, parseId, targetInScope } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
export type { ModerationQueueSource } from "./ideas-deps.js";
import { PUBLIC_STATUSES, type IdeaStatus } from "./idea-model.js";
import type { TransitionOutcome } from "./idea-ports.js";
import { moderationCard } from "./moderators.js";
import { announceApproved, notifyStatus } from "./notify.js";
import { storedPhoto } from "../photo-step.js";

const QUEUE_SHOWN = 10;
const AUDIT_DEFAULT = 20;
const AUDIT_MAX = 100;
const REASON_MAX = 500;

/** Admin of everything (scope "*"): sets the moderation chat and reads the audit log. */
export async function isGlobalAdmin(turn: Turn): Promise<boolean> {
  return (await turn.roles()).some((g) => g.role === "admin" && g.scope === "*");
}

/** An audit action or target type in words; one without a translation (an older version's) as stored. */
function readable(turn: Turn, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  const text = turn.t(key);
  return text === key || text === key.slice(key.indexOf(":") + 1) ? value : text;
}

const stamp = (at: Date) => at.toISOString().slice(0, 16).replace("T", " ");

/**
 * Pre-moderation: the queue, approve / reject / hide with reasons, blocking residents, the
 * moderation chat and the audit log. Every decision is a conditional update, so of two moderators
 * acting at once exactly one wins and the other is told who was faster.
 */
export function createModerationFeature(deps: IdeasDeps): Feature {
  /** Answers a lost race or a stale request with what the idea's status is and who set it. */
  function explainConflict(turn: Turn, outcome: Exclude<TransitionOutcome, { kind: "changed" }>, id: number): void {
    if (outcome.kind === "missing") {
      turn.say("ideas:not-found");
      return;
    }
    const status = turn.t(`ideas:status-${outcome.idea.status}`);
    if (outcome.last) {
      turn.say("ideas:mod-conflict", { id, status, by: outcome.last.actor.name, at: stamp(outcome.last.createdAt) });
    } else {
      turn.say("ideas:mod-conflict-unknown", { id, status });
    }
  }

  /** The idea when the sender may moderate it; one answer for a missing idea and one elsewhere. */
  function moderatedIdea(turn: Turn, id: number | undefined) {
    return targetInScope(
      turn,
      deps.areas,
      "moderator",
      async () => (id === undefined ? undefined : deps.ideas.get(id)),
      (idea) => idea.areaId,
      () => turn.say("ideas:not-found-for-you"),
    );
  }

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
    await notifyStatus(deps, outcome.idea, to, reason);
    // Only now is the idea public; the "ideas" feed carries newly published ideas.
    if (to === "approved") await announceApproved(deps, outcome.idea);
    turn.say(`ideas:mod-done-${to}`, { id, title: idea.title, reason: reason ?? "" });
  }

  async function queue(turn: Turn): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "moderator", "any"))) return deny(turn);
    const pending = await deps.ideas.listByStatus(["pending"], "oldest", 200);
    const mine = [];
    for (const idea of pending) if (await mayAct(turn, deps.areas, "moderator", idea.areaId)) mine.push(idea);
    let othersTotal = 0;
    const others: OutboundMessage[] = [];
    for (const source of deps.queueSources ?? []) {
      const found = await source.pendingCards(turn, QUEUE_SHOWN - others.length);
      othersTotal += found.total;
      others.push(...found.cards);
    }
    if (mine.length === 0 && othersTotal === 0) {
      turn.say("ideas:queue-empty");
      return;
    }
    if (mine.length > 0) {
      turn.say("ideas:queue-heading", { count: mine.length, shown: Math.min(QUEUE_SHOWN, mine.length) });
      const names = new Map((await deps.areas.list()).map((a) => [a.id, a.name]));
      for (const idea of mine.slice(0, QUEUE_SHOWN)) {
        const photo = await storedPhoto(deps.photos, idea.photoId);
        turn.reply(moderationCard(deps, idea, idea.areaId === null ? null : (names.get(idea.areaId) ?? null), turn.locale, photo));
      }
    }
    if (othersTotal > 0) {
      turn.say("ideas:queue-other-heading", { count: othersTotal, shown: others.length });
      for (const card of others) turn.reply(card);
    }
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
    const resident = await targetInScope(
      turn,
      deps.areas,
      "moderator",
      () => deps.residents.get(id),
      (r) => r.homeAreaId,
      () => turn.say("ideas:resident-not-found-for-you", { id }),
    );
    if (!resident) return;
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

  async function audit(turn: Turn, args: string): Promise<void> {
    if (!(await isGlobalAdmin(turn))) return deny(turn);
    const wanted = parseId(args) ?? AUDIT_DEFAULT;
    const entries = await deps.audit.recent(Math.min(AUDIT_MAX, Math.max(1, wanted)));
    if (entries.length === 0) {
      turn.say("ideas:audit-empty");
      return;
    }
    const lines = entries.map((e) =>
      turn.t(e.reason ? "ideas:audit-line-reason" : "ideas:audit-line", {
        at: stamp(e.createdAt),
        actor: e.actor.name,
        action: readable(turn, "ideas:audit-action-", e.action),
        target: `${readable(turn, "ideas:audit-target-", e.targetType)} ${e.targetId}`,
        reason: e.reason ?? "",
      }),
    );
    turn.reply({ html: [turn.t("ideas:audit-heading", { count: entries.length }), ...lines].join("\n") });
  }

  return {
    id: "mod",
    commands: [
      { name: "queue", scope: "any", audience: "moderator", descriptionKey: "ideas:command-queue", run: (turn) => queue(turn) },
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
      { name: "modchat", scope: "any", audience: "admin", descriptionKey: "ideas:command-modchat", run: (turn) => setModerationChat(turn) },
      { name: "audit", scope: "any", audience: "admin", descriptionKey: "ideas:command-audit", run: (turn, args) => audit(turn, args) },
    ],
    async handleAction(turn, verb, args) {
      const id = parseId(args[0]);
      if (verb === "ok") return decide(turn, id, ["pending"], "approved", null, "idea.approve");
      if (verb === "no") {
        // Buttons carry no text, and groups only let the bot read commands: ask for /reject with a reason.
        const idea = await moderatedIdea(turn, id);
        if (!idea) return;
        if (idea.status !== "pending") return explainConflict(turn, { kind: "conflict", idea, last: (await deps.ideas.history(idea.id)).at(-1) }, idea.id);
        return turn.say("ideas:reject-how", { id: idea.id });
      }
      turn.say("common:stale-action");
    },
  };
}
