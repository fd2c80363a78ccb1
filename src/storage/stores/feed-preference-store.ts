import type { FeedPreferenceStore } from "../../core/ports/feed-preferences.js";
import type { PrismaAccess } from "../prisma-access.js";

export function createFeedPreferenceStore(db: PrismaAccess): FeedPreferenceStore {
  return {
    async modeOf(residentId, feed) {
      const row = await db.client().residentFeedPreference.findUnique({ where: { residentId_feed: { residentId, feed } } });
      return row?.mode === "digest" ? "digest" : "immediate";
    },
    async setMode(residentId, feed, mode) {
      await db.client().residentFeedPreference.upsert({
        where: { residentId_feed: { residentId, feed } },
        create: { residentId, feed, mode },
        update: { mode },
      });
    },
  };
}
