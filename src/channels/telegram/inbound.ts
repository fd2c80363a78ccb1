import type { Chat, Message, Update, User } from "grammy/types";
import type { ChatKind, InboundEvent } from "../../core/model/inbound-event.js";
import type { CallbackCodec } from "./callback-codec.js";

/** Who the bot is, as far as routing needs to know. */
export interface BotIdentity {
  readonly id: number;
  readonly username: string;
}

/**
 * What to do with one Telegram update:
 * - "event": hand it to the core (for groups, `adminCheck` names whom to look up first);
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
  | { readonly kind: "stale-callback"; readonly callbackQueryId: string; readonly localeHint?: string }
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

/**
 * The sender of a message. Anonymous group admins and channel posts carry the chat itself as
 * sender (`sender_chat`); only admins can post that way, so they count as chat admins, and the
 * chat's id serves as their identity because all anonymous admins share one placeholder user.
 */
function senderOf(message: Message): { id: string; name?: string; isAdmin?: boolean; user?: User } | undefined {
  if (message.sender_chat && message.sender_chat.id === message.chat.id) {
    return { id: `telegram:${message.chat.id}`, isAdmin: true };
  }
  if (!message.from || message.from.is_bot) return undefined;
  return { id: `telegram:${message.from.id}`, name: displayName(message.from), user: message.from };
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
      return { kind: "stale-callback", callbackQueryId, ...(query.from.language_code ? { localeHint: query.from.language_code } : {}) };
    }
    const chat = chatOf(message.chat);
    return {
      kind: "event",
      callbackQueryId,
      event: {
        eventId,
        channel: "telegram",
        chat,
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
  if (message.text === undefined) return { kind: "ignore", reason: "message without text" };
  const chat = chatOf(message.chat);
  // Outside private chats only commands reach the core; everything else is people talking to each other.
  if (chat.kind !== "private" && !addressedToBot(message.text, bot)) return { kind: "ignore", reason: "group chatter" };
  const sender = senderOf(message);
  if (!sender) return { kind: "ignore", reason: "message from a bot or without sender" };
  const language = sender.user?.language_code;
  return {
    kind: "event",
    event: {
      eventId,
      channel: "telegram",
      chat,
      senderId: sender.id,
      ...(sender.name ? { senderName: sender.name } : {}),
      ...(language ? { localeHint: language } : {}),
      ...(sender.isAdmin ? { senderIsChatAdmin: true } : {}),
      payload: { type: "text", text: message.text },
      receivedAt,
    },
    ...(chat.kind !== "private" && sender.user ? { adminCheck: { chatId: message.chat.id, userId: sender.user.id } } : {}),
  };
}
