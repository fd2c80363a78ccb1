import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";

/**
 * `/whoami`: the sender's identity as the admin command line writes it (the messenger's own user
 * id, which some messengers never show), with the command that grants a role to it. It works
 * before onboarding and in groups, because a new staff member needs it before anything else.
 *
 * @example
 * features.push(createWhoamiFeature());
 */
export function createWhoamiFeature(): Feature {
  async function show(turn: Turn): Promise<void> {
    const identity = turn.event.senderId;
    const grants = await turn.roles();
    const roles = grants.map((g) => (g.scope === "*" ? g.role : `${g.role} (${g.scope})`)).join(", ");
    turn.reply({
      html: [
        turn.t("help:whoami", { identity }),
        grants.length > 0 ? turn.t("help:whoami-roles", { roles }) : turn.t("help:whoami-no-roles"),
        turn.t("help:whoami-grant", { identity }),
      ].join("\n\n"),
    });
  }
  return {
    id: "whoami",
    commands: [{ name: "whoami", scope: "any", descriptionKey: "help:whoami-command", beforeOnboarding: true, run: (turn) => show(turn) }],
  };
}
