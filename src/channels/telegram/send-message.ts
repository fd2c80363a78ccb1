import { GrammyError, InlineKeyboard, InputFile, type Api } from "grammy";
import type { Message } from "grammy/types";
import { DEEP_LINK_ACTION } from "../../core/conversation/conversation-core.js";
import type { Choice, OutboundMessage } from "../../core/model/outbound-message.js";
import { extensionOf, sniffImageType } from "../../core/model/photo.js";
import type { MessageLimits } from "../../core/model/channel-capabilities.js";
import { escapeHtml } from "../../core/render/plain-text.js";
import { splitHtml, visibleLength, visibleText, type PartBudget } from "../../core/render/split-message.js";
import { MAX_CALLBACK_BYTES, type CallbackCodec } from "./callback-codec.js";
import { telegramDeepLink } from "./deep-link.js";

/**
 * What Telegram accepts in one message: 4,096 characters of text and 1,024 of caption, both
 * counted after the HTML is parsed (UTF-16 code units, as Telegram counts), and 64 bytes of
 * callback data per button. Longer text is refused ("message is too long"), never cut by Telegram.
 */
export const TELEGRAM_LIMITS = { textChars: 4096, captionChars: 1024, actionBytes: MAX_CALLBACK_BYTES } as const satisfies MessageLimits;

/** Telegram's limit for photo captions, counted after the HTML tags are parsed away. */
export const MAX_CAPTION_CHARS = TELEGRAM_LIMITS.captionChars;

/** One Telegram text message: its characters as Telegram counts them. */
const TEXT_BUDGET: PartBudget = { limit: TELEGRAM_LIMITS.textChars, measure: visibleLength };

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
 * it fits (otherwise the photo alone first, then the text). Text longer than one Telegram message
 * goes out as several, split between paragraphs or lines (see splitHtml), with the buttons under
 * the last one, where the reader has seen everything they refer to. The core's HTML subset
 * (b, i, a, code, pre) is valid Telegram HTML and resident values arrive escaped, so it is passed
 * through as it is. A picture Telegram refuses is replaced by its description, so the message
 * itself still arrives. A file goes as a document, the text as its caption when it fits
 * (otherwise the text first, then the document). Returns the messages Telegram created, in order.
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
  const hasText = visibleText(message.html).trim() !== "";

  /** The text as one or more messages, the buttons under the last (unless something follows it). */
  async function sendText(html: string, withButtons = true): Promise<Message[]> {
    const parts = splitHtml(html, TEXT_BUDGET);
    const sent: Message[] = [];
    for (const [index, part] of parts.entries()) {
      sent.push(await api.sendMessage(chatId, part, { ...common, ...(withButtons && index === parts.length - 1 ? markup : {}) }));
    }
    return sent;
  }

  if (message.file) {
    if (message.image) throw new Error("a message carries an image or a file, not both");
    // Caption and photo captions share Telegram's limit; a longer text goes first as its own
    // message(s), and the document with the buttons comes last, where the reader has read it all.
    const document = new InputFile(message.file.bytes, message.file.fileName);
    const fitsCaption = !hasText || visibleLength(message.html) <= TELEGRAM_LIMITS.captionChars;
    const before = fitsCaption ? [] : await sendText(message.html, false);
    const sent = await api.sendDocument(chatId, document, { ...common, ...(fitsCaption && hasText ? { caption: message.html } : {}), ...markup });
    return [...before, sent];
  }

  if (!message.image) return sendText(message.html);

  const photo = new InputFile(message.image.bytes, `image.${extensionOf(sniffImageType(message.image.bytes) ?? "image/png")}`);
  const fitsCaption = !hasText || visibleLength(message.html) <= TELEGRAM_LIMITS.captionChars;
  let first: Message;
  try {
    first = await api.sendPhoto(chatId, photo, fitsCaption ? { ...common, ...(hasText ? { caption: message.html } : {}), ...markup } : common);
  } catch (error) {
    if (!isPictureRefused(error)) throw error;
    // The words and buttons still matter more than the picture: they go out with its description.
    return sendText(`${hasText ? `${message.html}\n\n` : ""}<i>${escapeHtml(message.image.alt)}</i>`);
  }
  if (fitsCaption) return [first];
  return [first, ...(await sendText(message.html))];
}

/**
 * Telegram refuses pictures it cannot process (extreme dimensions, a damaged file) with a 400
 * naming the photo or file, e.g. "PHOTO_INVALID_DIMENSIONS" or "IMAGE_PROCESS_FAILED".
 */
export function isPictureRefused(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /PHOTO_|IMAGE_|\bfile\b/i.test(error.description);
}
