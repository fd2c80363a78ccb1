import type { ChannelKind } from "../core/model/inbound-event.js";
import type { BucketSpec } from "./rate-limiter.js";

/**
 * How fast the dispatcher may send on one platform. Limits hold per dispatcher process: several
 * processes on one bot account should divide `perSecond` between them.
 *
 * @example
 * const limits: ChannelLimits = telegramLimits({ paidBroadcast: false }); // 28/s, 0.9/s per chat, 18/min per group
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
 * Telegram counts sends in sliding windows: about 30 messages in any second overall (1,000 with
 * paid broadcasts), 1 per second per chat and 20 per minute per group (group ids are negative).
 * A token bucket of rate r and burst b lets b + r·T through in a window of T, and a send reaches
 * Telegram a few milliseconds after its token was taken, so each limit keeps a margin: one token
 * of burst, and rates a little below the published ones. Measured against the loopback server's
 * enforcement, 30/s with a burst of 3 drew a 429; these values draw none.
 */
export const TELEGRAM_RATES = {
  perSecond: 28,
  paidPerSecond: 950,
  privatePerSecond: 0.9,
  groupPerSecond: 18 / 60,
} as const;

export function telegramLimits(options: TelegramLimitOptions = {}): ChannelLimits {
  return {
    perSecond: options.paidBroadcast ? TELEGRAM_RATES.paidPerSecond : TELEGRAM_RATES.perSecond,
    burst: options.paidBroadcast ? 10 : 1,
    perChat: (chatId) =>
      chatId.startsWith("-")
        ? { ratePerSecond: TELEGRAM_RATES.groupPerSecond, burst: 1 }
        : { ratePerSecond: TELEGRAM_RATES.privatePerSecond, burst: 1 },
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
