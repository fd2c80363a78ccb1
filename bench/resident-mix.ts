/**
 * What a simulated resident does: onboarding, then a weighted mix of activities. The same script
 * drives the core directly and the Telegram path, so both benchmarks measure the same work.
 * Every resident has its own PRNG (seed + index), so the choices do not depend on scheduling.
 */
import type { Prng } from "./lib/prng.js";

export interface OfferedChoice {
  readonly label: string;
  readonly action: string;
}

/** One resident's view of the chat: send text, press a button, see the last offered buttons. */
export interface ResidentIo {
  /** Sends text; resolves with the choices of the turn's replies (empty when none). */
  text(text: string): Promise<readonly OfferedChoice[]>;
  /** Presses a button carrying `action`; resolves like text(). */
  press(action: string): Promise<readonly OfferedChoice[]>;
}

export interface ResidentContext {
  readonly index: number;
  readonly prng: Prng;
  /** Choices of the last reply that offered any. */
  readonly offered: readonly OfferedChoice[];
  text(text: string): Promise<void>;
  press(action: string): Promise<void>;
  /** Presses one of the last offered choices whose action starts with `prefix` (PRNG-picked). */
  pick(prefix: string): Promise<void>;
  /** Whether the last offered choices include one starting with `prefix`. */
  offers(prefix: string): boolean;
}

export interface Activity {
  readonly name: string;
  readonly weight: number;
  run(resident: ResidentContext): Promise<void>;
}

const QUESTIONS_DE = ["Wann ist die nächste Ratssitzung?", "Hallo", "Wo finde ich den Abfallkalender?", "danke"];
const QUESTIONS_EN = ["When is the next council meeting?", "hello", "thanks"];

/** Activities of the foundation (menu, settings, help, free text, the placeholder topics). */
export const FOUNDATION_ACTIVITIES: readonly Activity[] = [
  { name: "menu", weight: 4, run: (r) => r.text("/menu") },
  // "Back" when the last reply offers it, else the command.
  { name: "back-to-menu", weight: 2, run: (r) => (r.offers("menu:open") ? r.press("menu:open") : r.text("/menu")) },
  { name: "help", weight: 2, run: (r) => r.text("/help") },
  { name: "settings", weight: 2, run: (r) => r.press("settings:open") },
  {
    name: "change-language",
    weight: 1,
    run: async (r) => {
      await r.press("settings:open");
      await r.press("settings:lang");
      await r.pick("settings:lang:");
    },
  },
  {
    name: "change-area",
    weight: 1,
    run: async (r) => {
      await r.press("settings:open");
      await r.press("settings:area");
      await r.pick("settings:area:");
    },
  },
  {
    name: "privacy",
    weight: 1,
    run: async (r) => {
      await r.press("settings:open");
      await r.press("privacy:open");
    },
  },
  {
    name: "free-text",
    weight: 1,
    run: (r) => r.text(r.prng.pick(r.prng.next() < 0.8 ? QUESTIONS_DE : QUESTIONS_EN)),
  },
];

export async function onboard(r: ResidentContext): Promise<void> {
  await r.text("/start");
  await r.press(r.prng.next() < 0.85 ? "onboarding:lang:de" : "onboarding:lang:en");
  await r.pick("onboarding:area:");
  await r.press("onboarding:accept");
}

export interface ResidentPlan {
  readonly activities: readonly Activity[];
  /** Activities after onboarding. */
  readonly actionsPerResident: number;
}

/** Runs one resident: onboarding, then `actionsPerResident` weighted activities. */
export async function runResident(index: number, prng: Prng, io: ResidentIo, plan: ResidentPlan): Promise<void> {
  let offered: readonly OfferedChoice[] = [];
  const remember = (choices: readonly OfferedChoice[]) => {
    if (choices.length > 0) offered = choices;
  };
  const context: ResidentContext = {
    index,
    prng,
    get offered() {
      return offered;
    },
    text: async (text) => remember(await io.text(text)),
    press: async (action) => remember(await io.press(action)),
    async pick(prefix) {
      const matching = offered.filter((c) => c.action.startsWith(prefix));
      if (matching.length === 0) {
        throw new Error(`resident ${index}: no offered choice starts with ${prefix} (offered: ${offered.map((c) => c.action).join(", ")})`);
      }
      remember(await io.press(prng.pick(matching).action));
    },
    offers: (prefix) => offered.some((c) => c.action.startsWith(prefix)),
  };
  await onboard(context);
  const weighted = plan.activities.map((a) => ({ weight: a.weight, value: a }));
  for (let i = 0; i < plan.actionsPerResident; i++) await prng.weighted(weighted).run(context);
}
