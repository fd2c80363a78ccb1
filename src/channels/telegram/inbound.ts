import type { Chat, Document, Message, PhotoSize, Update, User } from "grammy/types";
import type { ChatKind, InboundEvent } from "../../core/model/inbound-event.js";
import { PHOTO_MAX_BYTES } from "../../core/model/photo.js";
import type { CallbackCodec } from "./callback-codec.js";

/** Who the bot is, as far as routing needs to know. */
export interface BotIdentity {
  readonly id: number;
  readonly username: string;
}

/** A file Telegram keeps for the bot: `getFile` names its download path. */
export interface TelegramFileRef {
  readonly fileId: string;
  /** The size Telegram announced, if it did; a larger file is refused without downloading it. */
  readonly declaredBytes?: number;
}

/**
 * What to do with one Telegram update:
 * - "event": hand it to the core (for groups, `adminCheck` names whom to look up first);
 * - "photo": a picture in a private chat; the channel downloads `file`, then hands the event with
 *   the photo payload to the core (the download is I/O, so it stays out of this pure decision);
 * - "stale-callback": a button press whose data is forged, from another chat or from an old key;
 * - "ignore": not for the core (group chatter, other bots' commands, unsupported update types).
 * Button presses always carry `callbackQueryId`, so the channel can stop the client's spinner.
 */
export type InboundDecision =
  | {
      readonly kind: "event";
      readonly event: InboundEvent;
      readonly callbackQueryId?: string;
      readonly adminCheck?: { readonly chatId: number; readonly userId: number };
    }
  | {
      readonly kind: "photo";
      readonly event: Omit<InboundEvent, "payload">;
      readonly file: TelegramFileRef;
      readonly caption?: string;
    }
  | { readonly kind: "stale-callback"; readonly callbackQueryId: string; readonly senderId: string; readonly localeHint?: string }
  | { readonly kind: "ignore"; readonly reason: string; readonly callbackQueryId?: string };

const COMMAND = /^\/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]{3,32}))?(?:\s|$)/;

export function chatKindOf(chat: Pick<Chat, "type">): ChatKind {
  if (chat.type === "private") return "private";
  if (chat.type === "channel") return "channel";
  return "group";
}

function displayName(user: User): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

function chatOf(chat: Chat): InboundEvent["chat"] {
  const title = "title" in chat && typeof chat.title === "string" ? chat.title : undefined;
  return { id: String(chat.id), kind: chatKindOf(chat), ...(title ? { title } : {}) };
}

/** Whether a group command is meant for this bot: "/cmd@this_bot", or "/cmd" without a name. */
function addressedToBot(text: string, bot: BotIdentity): boolean {
  const match = COMMAND.exec(text);
  if (!match) return false;
  const target = match[1];
  return target === undefined || target.toLowerCase() === bot.username.toLowerCase();
}

interface Sender {
  readonly id: string;
  readonly name?: string;
  readonly isAdmin?: boolean;
  readonly user?: User;
}

/**
 * The sender of a message. Anonymous group admins and channel posts carry the chat itself as
 * sender (`sender_chat`); only admins can post that way, so they count as chat admins, and the
 * chat's id serves as their identity because all anonymous admins share one placeholder user.
 */
function senderOf(message: Message): Sender | undefined {
  if (message.sender_chat && message.sender_chat.id === message.chat.id) {
    return { id: `telegram:${message.chat.id}`, isAdmin: true };
  }
  if (!message.from || message.from.is_bot) return undefined;
  return { id: `telegram:${message.from.id}`, name: displayName(message.from), user: message.from };
}

/** Picture formats sent "as file" that are worth downloading; the bytes decide in the end. */
const PICTURE_DOCUMENT_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png"]);

/**
 * The size to download: the largest one known to fit the limit. Sizes of unknown weight come next
 * (the capped download decides); when every size is declared too large, the largest one is still
 * passed on so that the resident hears "too large" rather than nothing.
 */
export function choosePhotoSize(sizes: readonly PhotoSize[]): PhotoSize | undefined {
  const byArea = [...sizes].sort((a, b) => a.width * a.height - b.width * b.height || (a.file_size ?? 0) - (b.file_size ?? 0));
  const fitting = byArea.filter((s) => s.file_size !== undefined && s.file_size <= PHOTO_MAX_BYTES);
  const unknown = byArea.filter((s) => s.file_size === undefined);
  return fitting.at(-1) ?? unknown.at(-1) ?? byArea.at(-1);
}

/**
 * A document is downloaded when it claims to be a JPEG or PNG, or claims nothing useful (some
 * clients send pictures as application/octet-stream). Anything else (PDF, HEIC, GIF, video) is
 * answered "unsupported" at once: downloading megabytes only to refuse them helps nobody, and a
 * JPEG mislabelled as a PDF is rare enough that the resident can send it again as a photo.
 */
function isPictureCandidate(document: Document): boolean {
  const type = document.mime_type?.toLowerCase();
  return type === undefined || type === "application/octet-stream" || PICTURE_DOCUMENT_TYPES.has(type);
}

function fileRef(file: { file_id: string; file_size?: number }): TelegramFileRef {
  return { fileId: file.file_id, ...(file.file_size !== undefined ? { declaredBytes: file.file_size } : {}) };
}

export function decideUpdate(update: Update, bot: BotIdentity, codec: CallbackCodec, receivedAt: Date): InboundDecision {
  const eventId = `telegram:update:${update.update_id}`;

  const query = update.callback_query;
  if (query) {
    const callbackQueryId = query.id;
    const message = query.message;
    if (!message || query.data === undefined) return { kind: "ignore", reason: "button without message or data", callbackQueryId };
    if ("from" in message && message.from && message.from.id !== bot.id) {
      return { kind: "ignore", reason: "button on another bot's message", callbackQueryId };
    }
    const decoded = codec.decode(message.chat.id, query.data);
    if (!decoded.ok) {
      return {
        kind: "stale-callback",
        callbackQueryId,
        senderId: `telegram:${query.from.id}`,
        ...(query.from.language_code ? { localeHint: query.from.language_code } : {}),
      };
    }
    const chat = chatOf(message.chat);
    return {
      kind: "event",
      callbackQueryId,
      event: {
        eventId,
        channel: "telegram",
        chat,
        ...trustedChat(message.chat, query.from),
        senderId: `telegram:${query.from.id}`,
        senderName: displayName(query.from),
        ...(query.from.language_code ? { localeHint: query.from.language_code } : {}),
        payload: { type: "action", action: decoded.action },
        receivedAt,
      },
      ...(chat.kind === "private" ? {} : { adminCheck: { chatId: message.chat.id, userId: query.from.id } }),
    };
  }

  const message = update.message ?? update.channel_post;
  if (!message) return { kind: "ignore", reason: "update type not handled" };
  const chat = chatOf(message.chat);
  if (message.photo !== undefined || message.document !== undefined) return decidePicture(message, chat, eventId, receivedAt);
  if (message.text === undefined) return { kind: "ignore", reason: "message without text" };
  // Outside private chats only commands reach the core; everything else is people talking to each other.
  if (chat.kind !== "private" && !addressedToBot(message.text, bot)) return { kind: "ignore", reason: "group chatter" };
  const sender = senderOf(message);
  if (!sender) return { kind: "ignore", reason: "message from a bot or without sender" };
  return {
    kind: "event",
    event: { ...eventBase(eventId, message, chat, sender, receivedAt), payload: { type: "text", text: message.text } },
    ...(chat.kind !== "private" && sender.user ? { adminCheck: { chatId: message.chat.id, userId: sender.user.id } } : {}),
  };
}

/**
 * The chat is the sender's own private chat only when Telegram says it is private and its id is the
 * sender's user id (that is what a private chat's id is). Anything else, e.g. a client that
 * claims another chat for a button press, is not stored as where to reach this person.
 */
function trustedChat(chat: Pick<Chat, "id" | "type">, user: User | undefined): Pick<InboundEvent, "trustedPrivateChatId"> {
  return chat.type === "private" && user !== undefined && chat.id === user.id ? { trustedPrivateChatId: String(chat.id) } : {};
}

function eventBase(eventId: string, message: Message, chat: InboundEvent["chat"], sender: Sender, receivedAt: Date): Omit<InboundEvent, "payload"> {
  const language = sender.user?.language_code;
  return {
    eventId,
    channel: "telegram",
    chat,
    ...trustedChat(message.chat, sender.user),
    senderId: sender.id,
    ...(sender.name ? { senderName: sender.name } : {}),
    ...(language ? { localeHint: language } : {}),
    ...(sender.isAdmin ? { senderIsChatAdmin: true } : {}),
    receivedAt,
  };
}

/** A photo, or a file sent "as document", which only private flows ask for. */
function decidePicture(message: Message, chat: InboundEvent["chat"], eventId: string, receivedAt: Date): InboundDecision {
  // In a group a picture is residents showing each other something, never an answer to the bot.
  if (chat.kind !== "private") return { kind: "ignore", reason: "photo outside a private chat" };
  const sender = senderOf(message);
  if (!sender) return { kind: "ignore", reason: "message from a bot or without sender" };
  const event = eventBase(eventId, message, chat, sender, receivedAt);
  const caption = message.caption ? { caption: message.caption } : {};
  const size = message.photo ? choosePhotoSize(message.photo) : undefined;
  if (size) return { kind: "photo", event, file: fileRef(size), ...caption };
  if (!message.document) return { kind: "ignore", reason: "photo without sizes" };
  if (isPictureCandidate(message.document)) return { kind: "photo", event, file: fileRef(message.document), ...caption };
  return { kind: "event", event: { ...event, payload: { type: "photo", photo: { status: "unsupported" }, ...caption } } };
}
