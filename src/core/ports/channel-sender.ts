import type { ChannelKind } from "../model/inbound-event.js";
import type { Locale } from "../model/locale.js";
import type { OutboundMessage } from "../model/outbound-message.js";

/**
 * What happened to one attempt to send a message, in platform-neutral terms the dispatcher acts on.
 *
 * @example
 * const waited: SendOutcome = { kind: "retry-after", ms: 3000, scope: "channel" };
 */
export type SendOutcome =
  | { readonly kind: "sent"; readonly messageId?: string }
  /** The platform asked to wait: "channel" pauses all sending to that platform, "chat" only this chat. */
  | { readonly kind: "retry-after"; readonly ms: number; readonly scope: "channel" | "chat" }
  /** The bot was blocked, kicked or the chat is gone: stop sending there. */
  | { readonly kind: "gone"; readonly reason: string }
  /** A Telegram group became a supergroup: send to the new id from now on. */
  | { readonly kind: "migrated"; readonly newChatId: string }
  | { readonly kind: "transient"; readonly reason: string }
  | { readonly kind: "permanent"; readonly reason: string };

/** Sends one message to one chat; implemented by each messenger channel for the outbox dispatcher. */
export interface ChannelSender {
  readonly channel: ChannelKind;
  /**
   * True when choices appear as a numbered list (Matrix, the terminal). The dispatcher then makes a
   * delivered message's choices the chat's last offered ones, so replying "1" picks its first choice.
   */
  readonly numbersChoices?: boolean;
  /**
   * `idempotencyKey` is stable across retries of the same delivery (Matrix uses it as the
   * transaction id, so a retried send is never shown twice).
   */
  send(chatId: string, message: OutboundMessage, locale: Locale, idempotencyKey: string): Promise<SendOutcome>;
}
