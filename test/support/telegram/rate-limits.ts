/**
 * Optional enforcement of Telegram's documented broadcast limits, so a benchmark can prove the
 * dispatcher provokes no 429 at all. Each limit is a sliding window over accepted sends: at most
 * N sends in any window of the given length ending now. Rejected sends do not use up the window.
 */
import { tooManyRequests, type ApiError } from "./api-error.js";

export type ChatKind = "private" | "group" | "supergroup" | "channel";

export interface RateLimitOptions {
  /** Sends per second for the whole bot (Telegram: about 30). */
  readonly perBotPerSecond?: number;
  /** Sends per second for the whole bot with `allow_paid_broadcast` (Telegram: 1,000). */
  readonly paidPerBotPerSecond?: number;
  /** Sends per second into one chat (Telegram: 1). */
  readonly perChatPerSecond?: number;
  /** Sends per minute into one group or supergroup (Telegram: 20). */
  readonly perGroupPerMinute?: number;
  /** Methods that count as sends. */
  readonly methods?: readonly string[];
}

export const DEFAULT_SEND_METHODS: readonly string[] = [
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "sendMediaGroup",
  "sendPoll",
  "copyMessage",
  "forwardMessage",
];

/** Timestamps of accepted events, oldest first; the head index avoids shifting on every prune. */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until one more event fits, 0 if it fits now. */
  waitMs(now: number): number {
    this.prune(now);
    if (this.times.length - this.head < this.limit) return 0;
    const oldestThatMustLeave = this.times[this.times.length - this.limit] as number;
    return oldestThatMustLeave + this.windowMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }

  isEmpty(now: number): boolean {
    this.prune(now);
    return this.times.length === this.head;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= cutoff) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

export interface RateLimiter {
  readonly methods: ReadonlySet<string>;
  /** Either records the send and returns undefined, or returns the 429 Telegram would answer. */
  check(chatKey: string, kind: ChatKind, paid: boolean, now: number): ApiError | undefined;
}

export function createRateLimiter(options: RateLimitOptions = {}): RateLimiter {
  const perBot = options.perBotPerSecond ?? 30;
  const paidPerBot = options.paidPerBotPerSecond ?? 1000;
  const perChat = options.perChatPerSecond ?? 1;
  const perGroup = options.perGroupPerMinute ?? 20;
  const bot = new SlidingWindow(perBot, 1000);
  const paidBot = new SlidingWindow(paidPerBot, 1000);
  const chats = new Map<string, SlidingWindow>();
  const groups = new Map<string, SlidingWindow>();
  let checksSincePurge = 0;

  function windowFor(map: Map<string, SlidingWindow>, key: string, limit: number, ms: number): SlidingWindow {
    let window = map.get(key);
    if (window === undefined) {
      window = new SlidingWindow(limit, ms);
      map.set(key, window);
    }
    return window;
  }

  // A broadcast touches each chat once; without purging, 100,000 idle windows would pile up.
  function purge(now: number): void {
    for (const [key, window] of chats) if (window.isEmpty(now)) chats.delete(key);
    for (const [key, window] of groups) if (window.isEmpty(now)) groups.delete(key);
  }

  return {
    methods: new Set((options.methods ?? DEFAULT_SEND_METHODS).map((m) => m.toLowerCase())),
    check(chatKey, kind, paid, now) {
      checksSincePurge += 1;
      if (checksSincePurge >= 20_000) {
        checksSincePurge = 0;
        purge(now);
      }
      const chat = windowFor(chats, chatKey, perChat, 1000);
      const group = kind === "group" || kind === "supergroup" ? windowFor(groups, chatKey, perGroup, 60_000) : undefined;
      // Paid broadcast lifts only the overall limit; every send still counts towards it.
      const overall = paid ? paidBot : bot;
      const wait = Math.max(overall.waitMs(now), chat.waitMs(now), group?.waitMs(now) ?? 0);
      if (wait > 0) return tooManyRequests(Math.max(1, Math.ceil(wait / 1000)));
      bot.record(now);
      paidBot.record(now);
      chat.record(now);
      group?.record(now);
      return undefined;
    },
  };
}
