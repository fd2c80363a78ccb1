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
 * A token bucket. Tokens are taken at the moment of use (`take`), never reserved ahead: a waiting
 * sender whose timer fires late (a busy event loop) would otherwise use an old slot and squeeze two
 * messages closer together than the platform allows.
 *
 * @example
 * const bucket = createTokenBucket({ ratePerSecond: 30, burst: 3 });
 * if (bucket.delay(Date.now()) === 0) bucket.take(Date.now()); // else wait that long and ask again
 */
export interface TokenBucket {
  /** Milliseconds until a token is available (0 = now), without taking it. */
  delay(nowMs: number): number;
  /** Takes a token if one is available now; returns whether it did. */
  take(nowMs: number): boolean;
  /** Blocks the bucket until `untilMs` (a platform asked us to wait). */
  pauseUntil(untilMs: number): void;
  /** True when the bucket is full and not paused at `nowMs`, i.e. indistinguishable from a new one. */
  idle(nowMs: number): boolean;
}

export function createTokenBucket(spec: BucketSpec, startMs = 0): TokenBucket {
  if (!(spec.ratePerSecond > 0)) throw new Error("ratePerSecond must be positive");
  const burst = Math.max(1, spec.burst);
  const msPerToken = 1000 / spec.ratePerSecond;
  // `at` is when `tokens` was last computed.
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
    take(nowMs) {
      if (delay(nowMs) > 0) return false;
      tokens -= 1;
      return true;
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
  take(key: string, nowMs: number): boolean;
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
    take: (key, nowMs) => bucket(key, nowMs)?.take(nowMs) ?? true,
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
