import { describe, expect, it } from "vitest";
import { createKeyedLimiter, createTokenBucket } from "../../src/delivery/rate-limiter.js";

describe("token bucket", () => {
  it("allows the burst at once, then one token per interval", () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 3 }, 0);
    expect([0, 0, 0, 0].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.delay(0)).toBe(100);
    expect(bucket.take(99)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.delay(100)).toBe(100);
  });

  it("refills over time but never beyond the burst", () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 2 }, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.delay(50)).toBe(50);
    expect(bucket.delay(100)).toBe(0);
    expect(bucket.idle(10_000)).toBe(true);
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false]);
  });

  it("counts a token from when it is taken, so a late sender cannot use an old slot", () => {
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1 }, 0);
    bucket.take(0);
    // The next sender was due at 1000 but its timer fired at 1800: the one after waits until 2800.
    expect(bucket.take(1_800)).toBe(true);
    expect(bucket.delay(1_800)).toBe(1_000);
  });

  it("honours a pause even when tokens are available", () => {
    const bucket = createTokenBucket({ ratePerSecond: 1000, burst: 100 }, 0);
    bucket.pauseUntil(3_000);
    expect(bucket.delay(1_000)).toBe(2_000);
    expect(bucket.take(1_000)).toBe(false);
    expect(bucket.idle(1_000)).toBe(false);
    expect(bucket.take(3_000)).toBe(true);
  });

  it("rejects a rate of zero", () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow();
  });
});

describe("keyed limiter", () => {
  it("limits each key on its own and forgets keys that are idle again", () => {
    const limiter = createKeyedLimiter((key) => (key.startsWith("-") ? { ratePerSecond: 1 / 3, burst: 1 } : { ratePerSecond: 1, burst: 1 }));
    expect(limiter.take("-1", 0)).toBe(true);
    expect(limiter.delay("-1", 0)).toBe(3_000);
    expect(limiter.take("5", 0)).toBe(true);
    expect(limiter.delay("5", 500)).toBe(500);
    expect(limiter.delay("6", 500)).toBe(0);
    limiter.prune(1_000);
    expect(limiter.size()).toBe(1); // "-1" still refilling; "5" and "6" are full again
    limiter.prune(3_000);
    expect(limiter.size()).toBe(0);
  });

  it("pauses a key that has no rate of its own", () => {
    const limiter = createKeyedLimiter(() => undefined);
    expect(limiter.delay("room", 0)).toBe(0);
    expect(limiter.take("room", 0)).toBe(true);
    limiter.pauseUntil("room", 5_000);
    expect(limiter.delay("room", 1_000)).toBe(4_000);
    expect(limiter.delay("other", 1_000)).toBe(0);
  });

  it("keeps memory bounded over many chats", () => {
    const limiter = createKeyedLimiter(() => ({ ratePerSecond: 1, burst: 1 }));
    for (let i = 0; i < 100_000; i++) {
      limiter.take(`chat${i}`, i);
      if (i % 1000 === 0) limiter.prune(i);
    }
    expect(limiter.size()).toBeLessThanOrEqual(2_000);
  });
});
