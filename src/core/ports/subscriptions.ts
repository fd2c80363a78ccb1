import type { Locale } from "../model/locale.js";
import type { FeedKind } from "./publisher.js";

/**
 * A chat's subscription to a feed, limited to an area or one initiative, or neither (everything).
 *
 * @example
 * const sub: ChatSubscription = { channel: "telegram", chatId: "-1001", feed: "surveys", areaId: 6, initiativeId: null };
 */
export interface ChatSubscription {
  readonly channel: string;
  readonly chatId: string;
  readonly feed: FeedKind;
  readonly areaId: number | null;
  readonly initiativeId: number | null;
}

export interface SubscribeInput extends ChatSubscription {
  readonly locale: Locale;
  readonly createdBy: string;
}

export interface SubscriptionStore {
  /** Creates or reactivates; "exists" when an identical active subscription was already there. */
  subscribe(input: SubscribeInput): Promise<"created" | "exists">;
  /** Ends every subscription of the chat to `feed`; returns how many were active. */
  unsubscribe(channel: string, chatId: string, feed: FeedKind): Promise<number>;
  /** The chat's active subscriptions. */
  listForChat(channel: string, chatId: string): Promise<ChatSubscription[]>;
}

/** What /broadcasts shows about one publish. `pending` includes rows being sent right now. */
export interface BroadcastSummary {
  readonly id: number;
  readonly origin: string;
  readonly title: string;
  readonly createdAt: Date;
  readonly sent: number;
  readonly pending: number;
  readonly failed: number;
}

export interface OutboxOverview {
  recent(limit: number): Promise<BroadcastSummary[]>;
}

/** The few facts about initiatives subscriptions need (a slug to subscribe to, a name to show). */
export interface InitiativeRef {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
}

export interface InitiativeLookup {
  bySlug(slug: string): Promise<InitiativeRef | undefined>;
  byId(id: number): Promise<InitiativeRef | undefined>;
}
