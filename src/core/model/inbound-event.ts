import type { InboundPhoto } from "./photo.js";

/** The messengers mitreden speaks through. */
export type ChannelKind = "telegram" | "matrix" | "console";

/** Whether a chat is a one-to-one conversation with the bot or shared by several people. */
export type ChatKind = "private" | "group" | "channel";

/**
 * What a resident sent: typed text, a button press carrying a core action, or a photo (already
 * downloaded by the channel, with the text typed beside it, if any).
 *
 * @example
 * const typed: InboundPayload = { type: "text", text: "/help" };
 * const pressed: InboundPayload = { type: "action", action: "settings:lang:en" };
 * const photo: InboundPayload = { type: "photo", photo: { status: "too-large" }, caption: "Die Bank" };
 */
export type InboundPayload =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "action"; readonly action: string }
  | { readonly type: "photo"; readonly photo: InboundPhoto; readonly caption?: string };

/**
 * One thing that happened in a chat, in platform-neutral form. Channels build it; the core handles it.
 *
 * `eventId` is unique per channel (Telegram update_id, Matrix event_id) so a redelivered event is
 * recognised and changes nothing. `senderId` is the platform identity, e.g. "telegram:12345" or
 * "matrix:@anna:example.org".
 *
 * @example
 * const event: InboundEvent = {
 *   eventId: "telegram:update:815",
 *   channel: "telegram",
 *   chat: { id: "12345", kind: "private" },
 *   senderId: "telegram:12345",
 *   senderName: "Anna",
 *   localeHint: "de-DE",
 *   payload: { type: "text", text: "2" },
 *   receivedAt: new Date(),
 *   trustedPrivateChatId: "12345",
 * };
 */
export interface InboundEvent {
  readonly eventId: string;
  readonly channel: ChannelKind;
  readonly chat: { readonly id: string; readonly kind: ChatKind; readonly title?: string };
  readonly senderId: string;
  readonly senderName?: string;
  /** The platform's language hint, used only until the resident has chosen a language. */
  readonly localeHint?: string;
  /** True when the channel knows the sender administers this (group) chat. */
  readonly senderIsChatAdmin?: boolean;
  /**
   * The sender's own private chat with the bot, set only when the channel can vouch for it
   * (Telegram: a private chat whose id is the sender's user id; Matrix: a room of only the bot and
   * this sender; the terminal: always). Only this is stored for notifications: `chat` of a button
   * press is whatever the client claims, and must never redirect someone else's messages.
   */
  readonly trustedPrivateChatId?: string;
  readonly payload: InboundPayload;
  readonly receivedAt: Date;
  /**
   * Set when the channel cannot rule out that this event was handled before and its replies never
   * went out (a replay after a crash). If it is a duplicate, the core returns the kept replies
   * instead of nothing, so the resident is still answered; a reply may then arrive twice.
   */
  readonly redelivered?: boolean;
}

/** The key under which a chat's conversation state is stored, e.g. "telegram:12345". */
export function conversationKey(event: Pick<InboundEvent, "channel" | "chat">): string {
  return `${event.channel}:${event.chat.id}`;
}
