/**
 * Telegram's `parse_mode: "HTML"`, close enough that markup bugs in mitreden's messages fail here
 * the way they fail against Telegram: unsupported tags (`<br>`, `<p>`, `<div>`), unbalanced or
 * crossed tags and a bare `<` are rejected with "can't parse entities". Accepted text is returned
 * without tags and with entities whose offsets count UTF-16 code units, as Telegram reports them.
 */
import type { MessageEntity } from "grammy/types";
import { badRequest, type ApiError } from "./api-error.js";

export type HtmlParseResult =
  | { readonly ok: true; readonly text: string; readonly entities: MessageEntity[] }
  | { readonly ok: false; readonly error: ApiError };

interface OpenTag {
  readonly name: string;
  readonly offset: number;
  readonly entity: Omit<MessageEntity, "offset" | "length"> | undefined;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

const SIMPLE_TAGS: Readonly<Record<string, MessageEntity["type"]>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

function fail(what: string): HtmlParseResult {
  return { ok: false, error: badRequest(`can't parse entities: ${what}`) };
}

function byteOffset(input: string, index: number): number {
  return Buffer.byteLength(input.slice(0, index), "utf8");
}

function attribute(attrs: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"']+))`, "i").exec(attrs);
  if (match === null) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? "");
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => decodeEntity(body) ?? whole);
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith("#x") || body.startsWith("#X")) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
  if (body.startsWith("#")) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
  return NAMED_ENTITIES[body.toLowerCase()];
}

function entityForTag(name: string, attrs: string): Omit<MessageEntity, "offset" | "length"> | "unsupported" | undefined {
  if (name === "a") {
    const href = attribute(attrs, "href");
    // Telegram keeps the text and drops the link when href is missing.
    return href === undefined ? undefined : ({ type: "text_link", url: href } as Omit<MessageEntity, "offset" | "length">);
  }
  if (name === "span") {
    return attribute(attrs, "class") === "tg-spoiler" ? { type: "spoiler" } : "unsupported";
  }
  if (name === "tg-emoji") {
    const id = attribute(attrs, "emoji-id");
    return id === undefined ? "unsupported" : ({ type: "custom_emoji", custom_emoji_id: id } as Omit<MessageEntity, "offset" | "length">);
  }
  if (name === "blockquote" && /(?:^|\s)expandable(?:\s|=|$)/i.test(attrs)) return { type: "expandable_blockquote" };
  const type = SIMPLE_TAGS[name];
  if (type === undefined) return "unsupported";
  return { type } as Omit<MessageEntity, "offset" | "length">;
}

/** Parses Telegram-flavoured HTML into plain text plus entities, or the error Telegram would give. */
export function parseTelegramHtml(input: string): HtmlParseResult {
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === "&") {
      const match = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/i.exec(input.slice(i, i + 12));
      const decoded = match === null ? undefined : decodeEntity(match[1] as string);
      if (match !== null && decoded !== undefined) {
        text += decoded;
        i += match[0].length;
      } else {
        // Telegram tolerates a stray ampersand and keeps it literally.
        text += "&";
        i += 1;
      }
      continue;
    }
    if (ch !== "<") {
      text += ch;
      i += 1;
      continue;
    }
    const close = input.indexOf(">", i);
    if (close < 0) return fail(`Unclosed start tag at byte offset ${byteOffset(input, i)}`);
    const raw = input.slice(i + 1, close);
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (open === undefined) return fail(`Unexpected end tag at byte offset ${byteOffset(input, i)}`);
      if (name !== "" && name !== open.name) {
        return fail(`Unmatched end tag at byte offset ${byteOffset(input, i)}, expected "</${open.name}>", found "</${name}>"`);
      }
      if (open.entity !== undefined && text.length > open.offset) {
        entities.push({ ...open.entity, offset: open.offset, length: text.length - open.offset } as MessageEntity);
      }
      i = close + 1;
      continue;
    }
    const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(raw);
    if (nameMatch === null) return fail(`Unsupported start tag "" at byte offset ${byteOffset(input, i)}`);
    const name = (nameMatch[1] as string).toLowerCase();
    const entity = entityForTag(name, raw.slice(name.length));
    if (entity === "unsupported") return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(input, i)}`);
    // <pre><code class="language-x"> gives the pre entity a language instead of a nested code entity.
    const parent = stack[stack.length - 1];
    if (name === "code" && parent?.name === "pre" && parent.offset === text.length) {
      const language = attribute(raw.slice(name.length), "class")?.replace(/^language-/, "");
      if (language !== undefined && parent.entity !== undefined) {
        stack[stack.length - 1] = { ...parent, entity: { type: "pre", language } as Omit<MessageEntity, "offset" | "length"> };
      }
      stack.push({ name, offset: text.length, entity: undefined });
    } else {
      stack.push({ name, offset: text.length, entity });
    }
    i = close + 1;
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text, entities };
}
