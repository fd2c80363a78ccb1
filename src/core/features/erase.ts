import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { Choice } from "../model/outbound-message.js";
import type { Clock } from "../ports/clock.js";
import type { ResidentErasure } from "../ports/erasure.js";

export interface EraseDeps {
  readonly erasure: ResidentErasure;
  readonly clock: Clock;
  /** How long after the question the confirmation counts (default 10 minutes). */
  readonly confirmWithinMs?: number;
}

const FEATURE = "erase";
const STEP = "confirm";

/** What the chat remembers while the question is open: who was asked and when. */
interface PendingErasure {
  readonly residentId: number;
  readonly askedAt: string;
}

function pendingOf(turn: Turn): PendingErasure | undefined {
  if (turn.state.flow !== FEATURE || turn.state.step !== STEP) return undefined;
  const { residentId, askedAt } = turn.state.data;
  return typeof residentId === "number" && typeof askedAt === "string" ? { residentId, askedAt } : undefined;
}

/**
 * `/delete` (and the Settings → Privacy button, action "erase:ask") erases the resident on their
 * own request: a question that says what goes and what stays, then the erasure and a last message.
 * The confirmation is the second choice (a reply "1" cancels), counts only in the same private
 * chat, for the same resident and shortly after asking; anything else erases nothing.
 */
export function createEraseFeature(deps: EraseDeps): Feature {
  const windowMs = deps.confirmWithinMs ?? 10 * 60_000;
  const minutes = Math.max(1, Math.round(windowMs / 60_000));

  const choices = (turn: Turn): Choice[][] => [
    [{ label: turn.label("erase:cancel-button"), action: `${FEATURE}:cancel` }],
    [{ label: turn.label("erase:confirm-button"), action: `${FEATURE}:confirm` }],
  ];

  function ask(turn: Turn): void {
    if (turn.event.chat.kind !== "private") {
      turn.say("common:private-only");
      return;
    }
    turn.enter(FEATURE, STEP, { residentId: turn.resident.id, askedAt: deps.clock.now().toISOString() } satisfies PendingErasure);
    const html = [
      turn.t("erase:question"),
      turn.t(`erase:contributions-${deps.erasure.contributions}`),
      turn.t("erase:stays"),
      turn.t("erase:final", { count: minutes }),
    ].join("\n\n");
    turn.reply({ html, choices: choices(turn) });
  }

  /** True when this confirmation answers a question asked here, of this resident, a moment ago. */
  function stillValid(turn: Turn): boolean {
    const pending = pendingOf(turn);
    if (!pending || turn.event.chat.kind !== "private" || pending.residentId !== turn.resident.id) return false;
    const asked = Date.parse(pending.askedAt);
    const elapsed = deps.clock.now().getTime() - asked;
    return Number.isFinite(asked) && elapsed >= 0 && elapsed <= windowMs;
  }

  async function confirm(turn: Turn): Promise<void> {
    if (!stillValid(turn)) {
      turn.leave();
      turn.say("erase:expired", {}, [[{ label: turn.label("erase:ask-again"), action: `${FEATURE}:ask` }]]);
      return;
    }
    turn.leave();
    await deps.erasure.erase(turn.resident.id, { reason: "own request", keepEventId: turn.event.eventId });
    // Without this, the end of the turn would write the chat's state again, naming the erased resident.
    turn.forgetResident();
    turn.say("erase:done");
  }

  async function cancel(turn: Turn): Promise<void> {
    const wasAsked = pendingOf(turn) !== undefined;
    turn.leave();
    turn.say(wasAsked ? "erase:cancelled" : "common:stale-action");
    if (turn.resident.onboardedAt) await turn.dispatch("menu:open");
  }

  return {
    id: FEATURE,
    // Someone who never finished onboarding may want to be gone as well.
    actionsBeforeOnboarding: true,
    commands: [{ name: "delete", scope: "private", descriptionKey: "erase:command", audience: "resident", beforeOnboarding: true, run: async (turn) => ask(turn) }],
    async handleAction(turn, verb) {
      if (verb === "ask") ask(turn);
      else if (verb === "confirm") await confirm(turn);
      else if (verb === "cancel") await cancel(turn);
      else turn.say("common:stale-action");
    },
    async handleText(turn) {
      // Only the choice confirms; a typed "ja" or "yes" must not erase anything.
      if (!pendingOf(turn)) {
        turn.leave();
        turn.say("common:not-understood");
        return;
      }
      turn.say("erase:pending", {}, choices(turn));
    },
  };
}
