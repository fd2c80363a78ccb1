import { FEEDS, type FeedKind } from "../../core/ports/publisher.js";
import type { ChatSubscription, SubscriptionStore } from "../../core/ports/subscriptions.js";
import type { PrismaAccess } from "../prisma-access.js";

/** The non-null scope that makes (channel, chatId, feed, scope) unique even for "every area". */
export function subscriptionScope(areaId: number | null, initiativeId: number | null): string {
  if (initiativeId !== null) return `initiative:${initiativeId}`;
  if (areaId !== null) return `area:${areaId}`;
  return "*";
}

const isFeed = (value: string): value is FeedKind => (FEEDS as readonly string[]).includes(value);

export function createSubscriptionStore(db: PrismaAccess): SubscriptionStore {
  return {
    async subscribe(input) {
      const scope = subscriptionScope(input.areaId, input.initiativeId);
      const key = { channel: input.channel, chatId: input.chatId, feed: input.feed, scope };
      const existing = await db.client().subscription.findUnique({ where: { channel_chatId_feed_scope: key } });
      if (existing?.active) return "exists";
      // A concurrent subscribe of the same chat hits the unique key; the unit of work retries.
      await db.client().subscription.upsert({
        where: { channel_chatId_feed_scope: key },
        create: {
          ...key,
          areaId: input.areaId,
          initiativeId: input.initiativeId,
          locale: input.locale,
          createdBy: input.createdBy,
        },
        update: { active: true, locale: input.locale, createdBy: input.createdBy },
      });
      return "created";
    },
    async unsubscribe(channel, chatId, feed) {
      const { count } = await db
        .client()
        .subscription.updateMany({ where: { channel, chatId, feed, active: true }, data: { active: false } });
      return count;
    },
    async listForChat(channel, chatId) {
      const rows = await db.client().subscription.findMany({
        where: { channel, chatId, active: true },
        orderBy: [{ feed: "asc" }, { id: "asc" }],
      });
      return rows.flatMap((r): ChatSubscription[] =>
        isFeed(r.feed)
          ? [{ channel: r.channel, chatId: r.chatId, feed: r.feed, areaId: r.areaId, initiativeId: r.initiativeId }]
          : [],
      );
    },
  };
}
