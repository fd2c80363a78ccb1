import sanitizeHtml from "sanitize-html";
import { DEEP_LINK_ACTION } from "../../core/conversation/conversation-core.js";
import type { ChannelCapabilities, MessageLimits } from "../../core/model/channel-capabilities.js";
import { flattenChoices, type OutboundMessage } from "../../core/model/outbound-message.js";
import { escapeHtml, htmlToPlain } from "../../core/render/plain-text.js";
import { splitOutbound } from "../../core/render/split-message.js";

/**
 * The Matrix specification caps an event at 65,536 bytes of JSON as the homeserver stores it, and
 * Synapse refuses a larger one (M_TOO_LARGE). Nothing in between splits it for us.
 */
export const MATRIX_LIMITS = { eventBytes: 65_536 } as const satisfies MessageLimits;

/** Matrix shows HTML and images but has no buttons, and the bot never edits its messages. */
export const MATRIX_CAPABILITIES: ChannelCapabilities = { buttons: false, images: true, html: true, edits: false, files: true, commandPrefix: "!", limits: MATRIX_LIMITS };

/**
 * What the homeserver adds around the content: room id and sender (up to 255 bytes each), type,
 * timestamps, depth, prev_events and auth_events (event ids of about 44 bytes, a handful each,
 * more after forks), hashes and signatures. About 1 KB in practice; 8 KiB leaves room for long ids
 * and many prev_events.
 */
export const EVENT_ENVELOPE_BYTES = 8_192;

/**
 * Megolm wraps {type, content, room_id} (room id up to 255 bytes), pads it to 16 bytes, adds about
 * 100 bytes of version, index, MAC and signature, and base64-encodes the lot (4/3); the encrypted
 * content then names algorithm, sender key, session and device (about 250 bytes).
 */
const MEGOLM_PLAINTEXT_EXTRA = 320;
const MEGOLM_MESSAGE_EXTRA = 120;
const MEGOLM_CONTENT_EXTRA = 400;

/**
 * The bytes a text event's content takes in the event the homeserver stores: its JSON, or, in an
 * encrypted room, an estimate of the encrypted content that carries it (on the large side).
 */
export function contentBytes(content: MatrixTextContent, encrypted: boolean): number {
  const plain = Buffer.byteLength(JSON.stringify(content), "utf8");
  if (!encrypted) return plain;
  const padded = Math.ceil((plain + MEGOLM_PLAINTEXT_EXTRA + 1) / 16) * 16;
  return Math.ceil(((padded + MEGOLM_MESSAGE_EXTRA) * 4) / 3) + MEGOLM_CONTENT_EXTRA;
}

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

/**
 * The text events for one outbound message: one, or, when the content would make an event larger
 * than Matrix allows, several, split between paragraphs or lines; the numbered choices come under
 * the last. Each part is measured with the choice list included, so the last one fits as well.
 *
 * @example
 * const events = renderTextEvents({ html: longResults }, undefined, { encrypted: false });
 */
export function renderTextEvents(message: OutboundMessage, deepLinkLine: DeepLinkLine | undefined, room: { readonly encrypted: boolean }): MatrixTextContent[] {
  const withChoices = (html: string): OutboundMessage => ({ html, ...(message.choices ? { choices: message.choices } : {}) });
  const budget = {
    limit: MATRIX_LIMITS.eventBytes - EVENT_ENVELOPE_BYTES,
    measure: (html: string) => contentBytes(renderTextContent(withChoices(html), deepLinkLine), room.encrypted),
  };
  return splitOutbound(withChoices(message.html), budget).map((part) => renderTextContent(part, deepLinkLine));
}
