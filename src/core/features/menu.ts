import type { Feature, MenuEntry } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import { choiceRows } from "../render/choice-rows.js";

export const MENU_FEATURE = "menu";

/** Shows the main menu built from every feature's menu entries. */
export function showMenu(turn: Turn, entries: readonly MenuEntry[], headingKey = "menu:title"): void {
  const choices = [...entries]
    .sort((a, b) => a.order - b.order)
    .map((entry) => ({ label: turn.t(entry.labelKey), action: entry.action }));
  turn.say(headingKey, {}, choiceRows(choices, 2));
}

/** The main menu (Surveys, Ideas, Initiatives, Results, Settings, Help) and /menu, /start. */
export function createMenuFeature(entries: () => readonly MenuEntry[]): Feature {
  return {
    id: MENU_FEATURE,
    commands: [
      {
        name: "start",
        scope: "any",
        descriptionKey: "menu:command-start",
        async run(turn) {
          if (turn.event.chat.kind !== "private") {
            turn.say("menu:group-start");
            return;
          }
          turn.leave();
          showMenu(turn, entries());
        },
      },
      {
        name: "menu",
        scope: "private",
        descriptionKey: "menu:command-menu",
        async run(turn) {
          turn.leave();
          showMenu(turn, entries());
        },
      },
    ],
    async handleAction(turn) {
      turn.leave();
      showMenu(turn, entries());
    },
  };
}
