import { InlineKeyboard, InputFile, type Api } from "grammy";
import type { Message } from "grammy/types";
import type { OutboundMessage } from "../../core/model/outbound-message.js";
import { htmlToPlain } from "../../core/render/plain-text.js";
import type { CallbackCodec } from "./callback-codec.js";

/** Telegram's limit for photo captions, counted after the HTML tags are parsed away. */
export const MAX_CAPTION_CHARS = 1024;

export interface SendOptions {
  /** Lifts the bot-wide rate limit to 1,000 messages/s for a fee (broadcasts only). */
  readonly allowPaidBroadcast?: boolean;
}

/** The inline keyboard for a message's choices, each button carrying a signed core action. */
export function keyboardFor(chatId: string | number, message: OutboundMessage, codec: CallbackCodec): InlineKeyboard | undefined {
  const rows = (message.choices ?? []).filter((row) => row.length > 0);
  if (rows.length === 0) return undefined;
  return InlineKeyboard.from(rows.map((row) => row.map((c) => InlineKeyboard.text(c.label, codec.encode(chatId, c.action)))));
}

/**
 * Sends one core message to one chat: text with buttons, or a photo with the text as caption when
 * it fits (otherwise the photo first, then the text with the buttons). The core's HTML subset
 * (b, i, a, code, pre) is valid Telegram HTML and resident values arrive escaped, so it is passed
 * through as it is. Returns the messages Telegram created, in order.
 */
export async function sendOutbound(
  api: Api,
  chatId: string | number,
  message: OutboundMessage,
  codec: CallbackCodec,
  options: SendOptions = {},
): Promise<Message[]> {
  // Encoding first: a too-long action fails before anything half-sent reaches the chat.
  const keyboard = keyboardFor(chatId, message, codec);
  const common = {
    parse_mode: "HTML" as const,
    ...(options.allowPaidBroadcast ? { allow_paid_broadcast: true } : {}),
  };
  const markup = keyboard ? { reply_markup: keyboard } : {};
  const hasText = htmlToPlain(message.html).trim() !== "";

  if (!message.image) return [await api.sendMessage(chatId, message.html, { ...common, ...markup })];

  const photo = new InputFile(message.image.png, "image.png");
  if (!hasText || htmlToPlain(message.html).length <= MAX_CAPTION_CHARS) {
    const caption = hasText ? { caption: message.html } : {};
    return [await api.sendPhoto(chatId, photo, { ...common, ...caption, ...markup })];
  }
  const first = await api.sendPhoto(chatId, photo, common);
  const second = await api.sendMessage(chatId, message.html, { ...common, ...markup });
  return [first, second];
}
