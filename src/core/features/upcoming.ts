import type { Feature } from "../conversation/feature.js";

/** Menu topics whose capability this installation does not offer yet. */
export type UpcomingTopic = "surveys" | "ideas" | "initiatives" | "results";

const ORDER: Readonly<Record<UpcomingTopic, number>> = { surveys: 10, ideas: 20, initiatives: 30, results: 40 };

/**
 * Keeps the promised menu complete while a capability is still missing, and says so honestly
 * instead of showing made-up content.
 */
export function createUpcomingFeature(topics: readonly UpcomingTopic[]): Feature {
  return {
    id: "upcoming",
    menuEntries: topics.map((topic) => ({ order: ORDER[topic], labelKey: `menu:${topic}`, action: `upcoming:${topic}` })),
    async handleAction(turn, verb) {
      const topic = topics.find((t) => t === verb);
      if (!topic) {
        turn.say("common:stale-action");
        return;
      }
      turn.say("upcoming:not-yet", { topic: turn.t(`menu:${topic}`) }, [
        [{ label: turn.t("menu:back"), action: "menu:open" }],
      ]);
    },
  };
}
