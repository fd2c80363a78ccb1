import type { ChannelKind } from "../model/inbound-event.js";
import type { Locale } from "../model/locale.js";
import type { OutboundMessage } from "../model/outbound-message.js";

/** Feeds that groups, rooms and residents can subscribe to. */
export const FEEDS = ["news", "results", "surveys", "ideas"] as const;
export type FeedKind = (typeof FEEDS)[number];

/**
 * Who a publication goes to.
 * - feed: every chat subscribed to that feed (for the area, its ancestors, or everywhere) and,
 *   for news of an initiative, its followers;
 * - residents: the private chats of these residents (authors, followers), in their own language;
 * - chat: one chat, e.g. the moderation group.
 *
 * @example
 * const audience: Audience = { kind: "feed", feed: "surveys", areaId: 6 };
 */
export type Audience =
  | { readonly kind: "feed"; readonly feed: FeedKind; readonly areaId: number | null; readonly initiativeId?: number }
  | { readonly kind: "residents"; readonly residentIds: readonly number[] }
  | { readonly kind: "chat"; readonly channel: ChannelKind; readonly chatId: string; readonly locale?: Locale };

/**
 * What a publication shows in each chat: an outbound message without a file. Files (a resident's
 * data export) are personal and go only to the chat a turn answers; the outbox has no column for
 * them, and the publisher refuses a message that carries one.
 *
 * @example
 * const content: BroadcastMessage = { html: "<b>Neue Umfrage</b>", choices: [[{ label: "Mitmachen", action: "deeplink:survey_12" }]] };
 */
export type BroadcastMessage = Omit<OutboundMessage, "file"> & { readonly file?: never };

/**
 * Something to deliver to many chats. `content` is rendered once per language; the outbox keeps
 * one row per recipient, written in the caller's unit of work so a publish and its deliveries
 * commit together.
 *
 * @example
 * await publisher.publish({
 *   audience: { kind: "residents", residentIds: [author] },
 *   origin: "idea:42:approved",
 *   title: "Idee 42 freigegeben",
 *   content: (locale) => ({ html: translator.t(locale, "ideas:approved", { title }) }),
 * });
 */
export interface PublishRequest {
  readonly audience: Audience;
  /** A stable tag of what caused this publication, e.g. "survey:12:opened". */
  readonly origin: string;
  /** A short description for the admins' /broadcasts overview. */
  readonly title: string;
  readonly content: (locale: Locale) => BroadcastMessage;
}

export interface PublishReceipt {
  readonly broadcastId: number;
  readonly recipients: number;
}

/** Writes publications into the delivery outbox; must be called inside a unit of work. */
export interface Publisher {
  publish(request: PublishRequest): Promise<PublishReceipt>;
}
