import type { ChannelKind } from "../model/inbound-event.js";

/**
 * What a channel found out about a chat someone wants to manage from elsewhere (a Telegram
 * channel subscribed from the private chat with the bot): its id, or why not.
 *
 * @example
 * const verdict: ChatAdminVerdict = { chatId: "-1001234567890", title: "Dorfkanal Hammah" };
 * const refused: ChatAdminVerdict = "bot-not-admin";
 */
export type ChatAdminVerdict =
  | { readonly chatId: string; readonly title?: string }
  /** The person is no administrator or creator of that chat. */
  | "not-admin"
  /** The bot is not an administrator there (so it could not post either). */
  | "bot-not-admin"
  /** No such chat, or the reference is no chat name or id at all. */
  | "unknown-chat"
  /** The messenger has no way to do this (e.g. Matrix rooms subscribe from inside the room). */
  | "unsupported";

/**
 * A narrow question the core asks a messenger: may `userId` manage the chat `chatRef`
 * (`@channelname` or a numeric chat id), and may the bot post there?
 *
 * @example
 * const verdict = await verifier.isAdmin("telegram", "@dorfkanal_hammah", "telegram:4711");
 */
export interface ChatAdminVerifier {
  isAdmin(channel: ChannelKind, chatRef: string, userId: string): Promise<ChatAdminVerdict>;
}
