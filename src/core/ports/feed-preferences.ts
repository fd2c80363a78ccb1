import type { FeedKind } from "./publisher.js";

/** At once, or collected in one message a day. */
export type FeedMode = "immediate" | "digest";

export interface FeedPreferenceStore {
  modeOf(residentId: number, feed: FeedKind): Promise<FeedMode>;
  setMode(residentId: number, feed: FeedKind, mode: FeedMode): Promise<void>;
}
