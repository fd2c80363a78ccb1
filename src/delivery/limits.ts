import type { ChannelKind } from "../core/model/inbound-event.js";
import type { BucketSpec } from "./rate-limiter.js";

/**
 * How fast the dispatcher may send on one platform. Limits hold per dispatcher process: several
 * processes on one bot account should divide `perSecond` between them.
 *
 * @example
 * const limits: ChannelLimits = telegramLimits({ paidBroadcast: false }); // 30/s, 1/s per chat, 20/min per group
 */
export interface ChannelLimits {
  /** Overall messages per second on this platform. */
  readonly perSecond: number;
  /** The largest burst overall; defaults to a tenth of a second's worth (at least 1). */
  readonly burst?: number;
  /** The bucket of one chat, or undefined for no per-chat limit. */
  readonly perChat?: (chatId: string) => BucketSpec | undefined;
}

export interface TelegramLimitOptions {
  /** allow_paid_broadcast: Telegram lifts the overall limit to 1,000 messages/s for a fee. */
  readonly paidBroadcast?: boolean;
}

/**
 * Telegram: about 30 messages/s overall (1,000/s with paid broadcasts), 1/s per chat and 20/min
 * per group. Group and supergroup ids are negative. A group gets one message every 3 s with no
 * burst, which keeps both the per-chat and the per-minute limit in any window.
 */
export function telegramLimits(options: TelegramLimitOptions = {}): ChannelLimits {
  return {
    // Telegram counts sends in a sliding second. A token bucket at exactly 30/s with a burst of 3 lets
    // up to 33 land in one such second (and jitter on the way bunches them), which costs 429s and
    // whole seconds of pause; 29/s in single tokens keeps every second at or under 30.
    perSecond: options.paidBroadcast ? 1000 : 29,
    burst: options.paidBroadcast ? 100 : 1,
    perChat: (chatId) =>
      chatId.startsWith("-") ? { ratePerSecond: 20 / 60, burst: 1 } : { ratePerSecond: 1, burst: 1 },
  };
}

/** Matrix: the homeserver's limits are configurable, so the rate comes from configuration. */
export function matrixLimits(perSecond: number, perRoomPerSecond?: number): ChannelLimits {
  return {
    perSecond,
    ...(perRoomPerSecond ? { perChat: () => ({ ratePerSecond: perRoomPerSecond, burst: 1 }) } : {}),
  };
}

export type LimitsByChannel = Partial<Record<ChannelKind, ChannelLimits>>;

/** Defaults for every channel; the console has no limits worth speaking of. */
export function defaultLimits(options: { telegramPaidBroadcast?: boolean; matrixPerSecond?: number } = {}): LimitsByChannel {
  return {
    telegram: telegramLimits({ paidBroadcast: options.telegramPaidBroadcast ?? false }),
    matrix: matrixLimits(options.matrixPerSecond ?? 10),
    console: { perSecond: 1000 },
  };
}
