import sanitizeHtml from "sanitize-html";
import type { ChannelCapabilities } from "../../core/model/channel-capabilities.js";
import type { OutboundMessage } from "../../core/model/outbound-message.js";
import { escapeHtml, htmlToPlain, numberedChoiceLines } from "../../core/render/plain-text.js";

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

/** The text event for one outbound message: HTML plus a plain body, choices as a numbered list. */
export function renderTextContent(message: OutboundMessage): MatrixTextContent {
  const choices = numberedChoiceLines(message);
  const plain = [htmlToPlain(message.html), ...(choices.length > 0 ? [choices.join("\n")] : [])].join("\n\n");
  const listed = choices.length > 0 ? `\n\n${choices.map(escapeHtml).join("\n")}` : "";
  const html = toMatrixHtml(message.html + listed);
  return { msgtype: "m.text", body: plain, format: "org.matrix.custom.html", formatted_body: html };
}

/** Width and height from a PNG's IHDR chunk, so clients can lay the image out before loading it. */
export function pngSize(png: Uint8Array): { w: number; h: number } | undefined {
  if (png.length < 24 || png[12] !== 0x49 || png[13] !== 0x48 || png[14] !== 0x44 || png[15] !== 0x52) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { w: view.getUint32(16), h: view.getUint32(20) };
}
