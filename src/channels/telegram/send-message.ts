import { GrammyError, InlineKeyboard, InputFile, type Api } from "grammy";
import type { Message } from "grammy/types";
import { DEEP_LINK_ACTION } from "../../core/conversation/conversation-core.js";
import type { Choice, OutboundMessage } from "../../core/model/outbound-message.js";
import { extensionOf, sniffImageType } from "../../core/model/photo.js";
import { escapeHtml, htmlToPlain } from "../../core/render/plain-text.js";
import type { CallbackCodec } from "./callback-codec.js";
import { telegramDeepLink } from "./deep-link.js";

/** Telegram's limit for photo captions, counted after the HTML tags are parsed away. */
export const MAX_CAPTION_CHARS = 1024;

export interface SendOptions {
  /** Lifts the bot-wide rate limit to 1,000 messages/s for a fee (broadcasts only). */
  readonly allowPaidBroadcast?: boolean;
  /** The bot's username; with it, deep-link choices in groups become link buttons to the private chat. */
  readonly botUsername?: string;
}

/** Telegram gives users (and so private chats) positive ids, groups and channels negative ones. */
export function isPrivateChatId(chatId: string | number): boolean {
  return Number(chatId) > 0;
}

/**
 * One button. A "deeplink:<payload>" choice outside a private chat becomes a URL button to
 * https://t.me/<bot>?start=<payload>: pressing it opens the private chat with the bot, where the
 * payload is handled (a callback button would be answered in the group, where surveys are not
 * answered). In the private chat the callback button already leads to the right place.
 */
function buttonFor(chatId: string | number, choice: Choice, codec: CallbackCodec, botUsername: string | undefined) {
  const prefix = `${DEEP_LINK_ACTION}:`;
  if (botUsername && choice.action.startsWith(prefix) && !isPrivateChatId(chatId)) {
    return InlineKeyboard.url(choice.label, telegramDeepLink(botUsername, choice.action.slice(prefix.length)));
  }
  return InlineKeyboard.text(choice.label, codec.encode(chatId, choice.action));
}

/** The inline keyboard for a message's choices, each button carrying a signed core action or a deep link. */
export function keyboardFor(
  chatId: string | number,
  message: OutboundMessage,
  codec: CallbackCodec,
  botUsername?: string,
): InlineKeyboard | undefined {
  const rows = (message.choices ?? []).filter((row) => row.length > 0);
  if (rows.length === 0) return undefined;
  return InlineKeyboard.from(rows.map((row) => row.map((c) => buttonFor(chatId, c, codec, botUsername))));
}

/**
 * Sends one core message to one chat: text with buttons, or a photo with the text as caption when
 * it fits (otherwise the photo first, then the text with the buttons). The core's HTML subset
 * (b, i, a, code, pre) is valid Telegram HTML and resident values arrive escaped, so it is passed
 * through as it is. A picture Telegram refuses is replaced by its description, so the message
 * itself still arrives. Returns the messages Telegram created, in order.
 */
export async function sendOutbound(
  api: Api,
  chatId: string | number,
  message: OutboundMessage,
  codec: CallbackCodec,
  options: SendOptions = {},
): Promise<Message[]> {
  // Encoding first: a too-long action fails before anything half-sent reaches the chat.
  const keyboard = keyboardFor(chatId, message, codec, options.botUsername);
  const common = {
    parse_mode: "HTML" as const,
    ...(options.allowPaidBroadcast ? { allow_paid_broadcast: true } : {}),
  };
  const markup = keyboard ? { reply_markup: keyboard } : {};
  const hasText = htmlToPlain(message.html).trim() !== "";

  if (!message.image) return [await api.sendMessage(chatId, message.html, { ...common, ...markup })];

  const photo = new InputFile(message.image.bytes, `image.${extensionOf(sniffImageType(message.image.bytes) ?? "image/png")}`);
  const fitsCaption = !hasText || htmlToPlain(message.html).length <= MAX_CAPTION_CHARS;
  let first: Message;
  try {
    first = await api.sendPhoto(chatId, photo, fitsCaption ? { ...common, ...(hasText ? { caption: message.html } : {}), ...markup } : common);
  } catch (error) {
    if (!isPictureRefused(error)) throw error;
    // The words and buttons still matter more than the picture: they go out with its description.
    const described = `${hasText ? `${message.html}\n\n` : ""}<i>${escapeHtml(message.image.alt)}</i>`;
    return [await api.sendMessage(chatId, described, { ...common, ...markup })];
  }
  if (fitsCaption) return [first];
  return [first, await api.sendMessage(chatId, message.html, { ...common, ...markup })];
}

/**
 * Telegram refuses pictures it cannot process (extreme dimensions, a damaged file) with a 400
 * naming the photo or file, e.g. "PHOTO_INVALID_DIMENSIONS" or "IMAGE_PROCESS_FAILED".
 */
export function isPictureRefused(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /PHOTO_|IMAGE_|\bfile\b/i.test(error.description);
}
