/**
 * Token buckets for the dispatcher. Time is passed in (milliseconds), never read here, so the
 * dispatcher's clock decides and tests can move it.
 */

export interface BucketSpec {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** The most tokens the bucket holds, i.e. the largest burst. At least 1. */
  readonly burst: number;
}

/**
 * A token bucket that hands out reservations: `reserve` always takes a token, possibly going into
 * debt, and says how long the caller must wait before using it. Concurrent callers so queue up in
 * order instead of all waking at the same moment.
 *
 * @example
 * const bucket = createTokenBucket({ ratePerSecond: 30, burst: 3 });
 * const waitMs = bucket.reserve(Date.now()); // 0 for the first three, then 33, 67, …
 */
export interface TokenBucket {
  /** Milliseconds until a token is available (0 = now), without taking it. */
  delay(nowMs: number): number;
  /** Takes a token and returns how long to wait before using it. */
  reserve(nowMs: number): number;
  /** Blocks the bucket until `untilMs` (a platform asked us to wait). */
  pauseUntil(untilMs: number): void;
  /** True when the bucket is full and not paused at `nowMs`, i.e. indistinguishable from a new one. */
  idle(nowMs: number): boolean;
}

export function createTokenBucket(spec: BucketSpec, startMs = 0): TokenBucket {
  if (!(spec.ratePerSecond > 0)) throw new Error("ratePerSecond must be positive");
  const burst = Math.max(1, spec.burst);
  const msPerToken = 1000 / spec.ratePerSecond;
  // Tokens may go negative (reservations in debt); `at` is when `tokens` was last computed.
  let tokens = burst;
  let at = startMs;
  let pausedUntil = Number.NEGATIVE_INFINITY;

  const refill = (nowMs: number): void => {
    if (nowMs > at) {
      tokens = Math.min(burst, tokens + (nowMs - at) / msPerToken);
      at = nowMs;
    }
  };
  const delay = (nowMs: number): number => {
    refill(nowMs);
    const fromTokens = tokens >= 1 ? 0 : Math.ceil((1 - tokens) * msPerToken);
    return Math.max(fromTokens, pausedUntil - nowMs, 0);
  };

  return {
    delay,
    reserve(nowMs) {
      const wait = delay(nowMs);
      tokens -= 1;
      return wait;
    },
    pauseUntil(untilMs) {
      pausedUntil = Math.max(pausedUntil, untilMs);
    },
    idle(nowMs) {
      refill(nowMs);
      return tokens >= burst && pausedUntil <= nowMs;
    },
  };
}

/**
 * Buckets per key (one per chat), created on demand. Full, unpaused buckets carry no information,
 * so `prune` drops them and memory stays proportional to the chats sent to recently.
 */
export interface KeyedLimiter {
  delay(key: string, nowMs: number): number;
  reserve(key: string, nowMs: number): number;
  pauseUntil(key: string, untilMs: number): void;
  prune(nowMs: number): void;
  size(): number;
}

export function createKeyedLimiter(specFor: (key: string) => BucketSpec | undefined): KeyedLimiter {
  const buckets = new Map<string, TokenBucket>();
  const bucket = (key: string, nowMs: number): TokenBucket | undefined => {
    let found = buckets.get(key);
    if (!found) {
      const spec = specFor(key);
      if (!spec) return undefined;
      found = createTokenBucket(spec, nowMs);
      buckets.set(key, found);
    }
    return found;
  };
  return {
    delay: (key, nowMs) => bucket(key, nowMs)?.delay(nowMs) ?? 0,
    reserve: (key, nowMs) => bucket(key, nowMs)?.reserve(nowMs) ?? 0,
    pauseUntil(key, untilMs) {
      // A pause must be remembered even for keys without a rate of their own.
      let found = bucket(key, untilMs);
      if (!found) {
        found = createTokenBucket({ ratePerSecond: 1_000_000, burst: 1_000_000 }, untilMs);
        buckets.set(key, found);
      }
      found.pauseUntil(untilMs);
    },
    prune(nowMs) {
      for (const [key, b] of buckets) if (b.idle(nowMs)) buckets.delete(key);
    },
    size: () => buckets.size,
  };
}
