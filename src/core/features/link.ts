import { randomInt } from "node:crypto";
import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { Clock } from "../ports/clock.js";
import type { LinkStore, ResidentStore } from "../ports/stores.js";

export interface LinkDeps {
  readonly links: LinkStore;
  readonly residents: ResidentStore;
  readonly clock: Clock;
  /** How long a code stays valid. */
  readonly validForMs?: number;
  readonly generateCode?: () => string;
}

// No 0/O or 1/I/L, so a code read from one screen and typed on another survives.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function randomLinkCode(): string {
  let code = "";
  for (let i = 0; i < 8; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * `/link` gives a one-time code; `/link CODE` sent from another messenger joins that identity to
 * the same resident, so someone on Telegram and Matrix is one person everywhere.
 */
export function createLinkFeature(deps: LinkDeps): Feature {
  const validForMs = deps.validForMs ?? 15 * 60_000;
  const generate = deps.generateCode ?? randomLinkCode;

  async function issue(turn: Turn): Promise<void> {
    const code = generate();
    await deps.links.issue(turn.resident.id, code, new Date(deps.clock.now().getTime() + validForMs));
    turn.say("link:code", { code, minutes: Math.round(validForMs / 60_000) });
  }

  async function redeem(turn: Turn, raw: string): Promise<void> {
    const code = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
    const outcome = await deps.links.redeem(code, turn.resident.id, deps.clock.now());
    if (outcome.kind === "linked") {
      const merged = await deps.residents.get(outcome.residentId);
      if (merged) turn.setResident(merged);
      turn.leave();
      turn.say("link:linked");
      if (merged?.onboardedAt) await turn.dispatch("menu:open");
      return;
    }
    turn.say(`link:${outcome.kind}`);
  }

  return {
    id: "link",
    commands: [
      {
        name: "link",
        scope: "private",
        descriptionKey: "link:command",
        beforeOnboarding: true,
        run: (turn, args) => (args ? redeem(turn, args) : issue(turn)),
      },
    ],
    async handleAction(turn) {
      await issue(turn);
    },
  };
}
