import sanitizeHtml from "sanitize-html";
import { DEEP_LINK_ACTION } from "../../core/conversation/conversation-core.js";
import type { ChannelCapabilities } from "../../core/model/channel-capabilities.js";
import { flattenChoices, type OutboundMessage } from "../../core/model/outbound-message.js";
import { escapeHtml, htmlToPlain } from "../../core/render/plain-text.js";

/** Matrix shows HTML and images but has no buttons, and the bot never edits its messages. */
export const MATRIX_CAPABILITIES: ChannelCapabilities = { buttons: false, images: true, html: true, edits: false };

/** The content of an m.room.message text event. */
export interface MatrixTextContent {
  readonly msgtype: "m.text";
  readonly body: string;
  readonly format: "org.matrix.custom.html";
  readonly formatted_body: string;
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ["b", "i", "a", "code", "pre", "br"],
  allowedAttributes: { a: ["href"] },
  allowedSchemes: ["https", "http", "mailto", "matrix"],
  disallowedTagsMode: "escape",
};

/**
 * Turns the core's HTML subset into Matrix HTML: newlines become <br> (except inside <pre>), and
 * everything is sanitised again so nothing a resident wrote can become markup in other clients.
 */
export function toMatrixHtml(html: string): string {
  const withBreaks = html
    .split(/(<pre>[\s\S]*?<\/pre>)/i)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/\r?\n/g, "<br>")))
    .join("");
  return sanitizeHtml(withBreaks, SANITIZE);
}

/**
 * The plain line shown instead of a numbered "deeplink:<payload>" choice, e.g. "Take part now: write
 * to me privately and send !start survey_12".
 */
export type DeepLinkLine = (label: string, payload: string) => string;

/**
 * The list under a message: "1. Deutsch", "2. English". A deep-link choice (a survey announcement's
 * "take part") gets no number: Matrix has no buttons that could open a direct chat, and a number
 * typed in a group would be answered in the group. Its line says what to send privately instead;
 * the other choices keep their positions, so "3" still picks the third choice.
 */
export function choiceLines(message: OutboundMessage, deepLinkLine?: DeepLinkLine): string[] {
  const prefix = `${DEEP_LINK_ACTION}:`;
  return flattenChoices(message).map((choice, index) =>
    deepLinkLine && choice.action.startsWith(prefix)
      ? `→ ${deepLinkLine(choice.label, choice.action.slice(prefix.length))}`
      : `${index + 1}. ${choice.label}`,
  );
}

/** The text event for one outbound message: HTML plus a plain body, choices as a numbered list. */
export function renderTextContent(message: OutboundMessage, deepLinkLine?: DeepLinkLine): MatrixTextContent {
  const choices = choiceLines(message, deepLinkLine);
  const plain = [htmlToPlain(message.html), ...(choices.length > 0 ? [choices.join("\n")] : [])].join("\n\n");
  const listed = choices.length > 0 ? `\n\n${choices.map(escapeHtml).join("\n")}` : "";
  const html = toMatrixHtml(message.html + listed);
  return { msgtype: "m.text", body: plain, format: "org.matrix.custom.html", formatted_body: html };
}
