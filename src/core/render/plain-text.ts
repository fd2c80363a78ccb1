import { flattenChoices, type OutboundMessage } from "../model/outbound-message.js";

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

/** Turns the core's small HTML subset into plain text (links keep their address). */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<a\s+href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, text: string) =>
      text === href ? text : `${text} (${href})`,
    )
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#") && name !== "#39") return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

/** Escapes text for the core's HTML subset. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The numbered list a channel without buttons shows under a message: "1. Deutsch", "2. English".
 * The core maps a reply of "2" back to the second choice.
 */
export function numberedChoiceLines(message: OutboundMessage): string[] {
  return flattenChoices(message).map((choice, index) => `${index + 1}. ${choice.label}`);
}
