import type { Feature } from "../../src/core/conversation/feature.js";
import type { OutboundMessage } from "../../src/core/model/outbound-message.js";

/**
 * A test feature whose commands answer with fixed messages, usable before onboarding, so channel
 * tests can send any message (a very long one, a photo with much text) through the real path.
 *
 * @example
 * const longread = replyFeature("longread", { long: { html: LONG, choices: CHOICES } });
 * // the resident sends "/long" and gets exactly that message
 */
export function replyFeature(id: string, replies: Readonly<Record<string, OutboundMessage>>): Feature {
  return {
    id,
    commands: Object.entries(replies).map(([name, message]) => ({
      name,
      scope: "any" as const,
      descriptionKey: "help:command",
      beforeOnboarding: true,
      async run(turn) {
        turn.reply(message);
      },
    })),
  };
}
