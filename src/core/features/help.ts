import type { CommandSpec, Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import { grantsAllow } from "../model/role.js";
import { escapeHtml } from "../render/plain-text.js";

/** `/help`: what this person can do here, including the commands of their roles. */
export function createHelpFeature(commands: () => readonly CommandSpec[]): Feature {
  async function show(turn: Turn): Promise<void> {
    const grants = await turn.roles();
    const isPrivate = turn.event.chat.kind === "private";
    const prefix = turn.capabilities.commandPrefix;
    const visible = commands().filter((command) => {
      if (isPrivate ? command.scope === "group" : command.scope === "private") return false;
      const audience = command.audience ?? "resident";
      if (audience === "resident") return true;
      if (audience === "chat-admin") return !isPrivate;
      return grantsAllow(grants, audience);
    });
    const lines = visible.map((c) => `${escapeHtml(prefix + c.name)} – ${turn.t(c.descriptionKey)}`);
    turn.reply({
      html: `${turn.t(isPrivate ? "help:intro" : "help:intro-group")}\n\n${lines.join("\n")}`,
      ...(isPrivate ? { choices: [[{ label: turn.t("menu:back"), action: "menu:open" }]] } : {}),
    });
  }
  return {
    id: "help",
    menuEntries: [{ order: 60, labelKey: "menu:help", action: "help:open" }],
    commands: [{ name: "help", scope: "any", descriptionKey: "help:command", beforeOnboarding: true, run: (turn) => show(turn) }],
    handleAction: (turn) => show(turn),
  };
}
