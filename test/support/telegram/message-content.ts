/**
 * Validation of what a bot puts into a message: text with parse_mode, captions and inline
 * keyboards. The error strings are Telegram's, because mitreden's error handling matches on them.
 */
import type { InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import { badRequest, isRecord, optionalJson, optionalString, type Params } from "./api-error.js";
import { parseTelegramHtml } from "./html-entities.js";

export interface FormattedText {
  readonly text: string;
  readonly raw: string;
  readonly parseMode: string | undefined;
  readonly entities: MessageEntity[] | undefined;
}

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_CALLBACK_DATA_BYTES = 64;

/** Text or caption plus parse_mode/entities, as sendMessage, editMessageText and captions take them. */
export function formattedText(params: Params, key: "text" | "caption", entitiesKey: "entities" | "caption_entities"): FormattedText | undefined {
  const raw = optionalString(params, key);
  if (raw === undefined) return undefined;
  const parseMode = optionalString(params, "parse_mode");
  let text = raw;
  let entities = optionalJson(params, entitiesKey, "message entities") as MessageEntity[] | undefined;
  if (parseMode !== undefined && parseMode !== "") {
    const mode = parseMode.toLowerCase();
    if (mode === "html") {
      const parsed = parseTelegramHtml(raw);
      if (!parsed.ok) throw parsed.error;
      text = parsed.text;
      entities = parsed.entities.length > 0 ? parsed.entities : undefined;
    } else if (mode !== "markdownv2" && mode !== "markdown") {
      throw badRequest("unsupported parse_mode");
    }
  }
  // Telegram trims surrounding whitespace and counts what is left.
  if (text.trim().length === 0) {
    if (key === "caption") return undefined;
    throw badRequest("message text is empty");
  }
  if (key === "text" && text.length > MAX_TEXT) throw badRequest("message is too long");
  if (key === "caption" && text.length > MAX_CAPTION) throw badRequest("message caption is too long");
  return { text, raw, parseMode, entities };
}

/** Parses reply_markup; inline keyboards are checked button by button like Telegram does. */
export function replyMarkup(params: Params): { inline: InlineKeyboardMarkup | undefined; other: unknown } {
  const markup = optionalJson(params, "reply_markup", "reply keyboard markup");
  if (markup === undefined) return { inline: undefined, other: undefined };
  if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (!("inline_keyboard" in markup)) return { inline: undefined, other: markup };
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows)) throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array");
  for (const row of rows) {
    if (!Array.isArray(row)) throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
    for (const button of row) validateButton(button);
  }
  return { inline: markup as unknown as InlineKeyboardMarkup, other: undefined };
}

function validateButton(button: unknown): void {
  if (!isRecord(button)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof button.text !== "string") throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  if (button.text.trim() === "") throw badRequest("BUTTON_TEXT_INVALID");
  if ("callback_data" in button) {
    const data = button.callback_data;
    if (typeof data !== "string") throw badRequest("can't parse inline keyboard button: Field \"callback_data\" must be of type String");
    const bytes = Buffer.byteLength(data, "utf8");
    if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
    return;
  }
  if ("url" in button) {
    if (typeof button.url !== "string" || !/^(https?|tg):\/\/\S+$/i.test(button.url)) throw badRequest("BUTTON_URL_INVALID");
    return;
  }
  const kinds = ["web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"];
  if (!kinds.some((k) => k in button)) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
}

/** Width and height from a PNG header; other formats get a plausible square. */
export function imageSize(bytes: Buffer): { width: number; height: number } {
  const pngSignature = "89504e470d0a1a0a";
  if (bytes.length >= 24 && bytes.subarray(0, 8).toString("hex") === pngSignature) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  return { width: 320, height: 320 };
}
