/**
 * Fault injection for the loopback Bot API server. A rule matches calls by method and/or chat and
 * answers them with one of the failures mitreden must survive on Telegram. Rules are checked in
 * the order they were added; the first match with calls left wins.
 */
import { ApiError, tooManyRequests, type ResponseParameters } from "./api-error.js";

/** Which calls a rule applies to; both unset means every method except getUpdates. */
export interface FaultMatch {
  /** One method name or several; compared case-insensitively like Telegram does. */
  readonly method?: string | readonly string[];
  /** Matches the call's `chat_id` parameter (number or `@username`). */
  readonly chatId?: number | string;
  /**
   * How many matching calls fail before the rule retires itself. Defaults: 1 for transient
   * failures (429, 500, drop), unlimited for lasting ones (blocked, migrated, delay, custom error).
   */
  readonly times?: number;
}

export type FaultEffect =
  | { readonly kind: "error"; readonly error: ApiError }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "drop" };

/** A registered rule; `remove()` retires it early, `hits` counts the calls it answered. */
export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  remove(): void;
}

export interface Faults {
  /** 429 `Too Many Requests: retry after N` with `parameters.retry_after`. */
  tooManyRequests(retryAfter: number, match?: FaultMatch): FaultHandle;
  /**
   * Flood control for the whole bot: every matching call answers 429 until `seconds` have passed,
   * with `retry_after` counting down like Telegram's.
   */
  floodWait(seconds: number, match?: Omit<FaultMatch, "times">): FaultHandle;
  /** 403 `Forbidden: bot was blocked by the user`. */
  blockedByUser(chatId: number | string, match?: Omit<FaultMatch, "chatId">): FaultHandle;
  /** 400 `group chat was upgraded to a supergroup chat` with `parameters.migrate_to_chat_id`. */
  migratedToSupergroup(chatId: number | string, newChatId: number, match?: Omit<FaultMatch, "chatId">): FaultHandle;
  /** 500 `Internal Server Error`. */
  serverError(match?: FaultMatch): FaultHandle;
  /** Any error answer, for cases the helpers above do not cover. */
  error(errorCode: number, description: string, parameters?: ResponseParameters, match?: FaultMatch): FaultHandle;
  /** Holds matching calls for `ms` before handling them normally. */
  delay(ms: number, match?: FaultMatch): FaultHandle;
  /** Destroys the socket without an answer, like a connection reset mid-request. */
  dropConnection(match?: FaultMatch): FaultHandle;
  /** Removes every rule. */
  clear(): void;
}

/** Internal side of the fault registry, used by the server for each call. */
export interface FaultRegistry extends Faults {
  /** Effects for one call, in order: delays first, then at most one terminal effect. */
  effectsFor(method: string, chatId: number | string | undefined, now: number): FaultEffect[];
  readonly size: number;
}

interface Rule {
  readonly methods: ReadonlySet<string> | undefined;
  readonly chatKey: string | undefined;
  remaining: number;
  hits: number;
  readonly effect: (now: number) => FaultEffect | undefined;
  readonly until: number | undefined;
}

function methodsOf(match: FaultMatch | undefined): ReadonlySet<string> | undefined {
  const method = match?.method;
  if (method === undefined) return undefined;
  const list = typeof method === "string" ? [method] : method;
  return new Set(list.map((m) => m.toLowerCase()));
}

export function createFaultRegistry(clock: () => number = Date.now): FaultRegistry {
  let rules: Rule[] = [];

  function add(
    match: FaultMatch | undefined,
    defaultTimes: number,
    effect: (now: number) => FaultEffect | undefined,
    until?: number,
  ): FaultHandle {
    const rule: Rule = {
      methods: methodsOf(match),
      chatKey: match?.chatId === undefined ? undefined : String(match.chatId),
      remaining: match?.times ?? defaultTimes,
      hits: 0,
      effect,
      until,
    };
    rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      get remaining() {
        return rule.remaining;
      },
      remove() {
        rules = rules.filter((r) => r !== rule);
      },
    };
  }

  const errorEffect = (error: ApiError) => (): FaultEffect => ({ kind: "error", error });

  return {
    get size() {
      return rules.length;
    },
    tooManyRequests(retryAfter, match) {
      return add(match, 1, errorEffect(tooManyRequests(retryAfter)));
    },
    floodWait(seconds, match) {
      const until = clock() + seconds * 1000;
      return add(
        match,
        Number.POSITIVE_INFINITY,
        (now) => ({ kind: "error", error: tooManyRequests(Math.max(1, Math.ceil((until - now) / 1000))) }),
        until,
      );
    },
    blockedByUser(chatId, match) {
      return add({ ...match, chatId }, Number.POSITIVE_INFINITY, errorEffect(new ApiError(403, "Forbidden: bot was blocked by the user")));
    },
    migratedToSupergroup(chatId, newChatId, match) {
      const error = new ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: newChatId,
      });
      return add({ ...match, chatId }, Number.POSITIVE_INFINITY, errorEffect(error));
    },
    serverError(match) {
      return add(match, 1, errorEffect(new ApiError(500, "Internal Server Error")));
    },
    error(errorCode, description, parameters, match) {
      return add(match, Number.POSITIVE_INFINITY, errorEffect(new ApiError(errorCode, description, parameters)));
    },
    delay(ms, match) {
      return add(match, Number.POSITIVE_INFINITY, () => ({ kind: "delay", ms }));
    },
    dropConnection(match) {
      return add(match, 1, () => ({ kind: "drop" }));
    },
    clear() {
      rules = [];
    },
    effectsFor(method, chatId, now) {
      if (rules.length === 0) return [];
      const effects: FaultEffect[] = [];
      const key = method.toLowerCase();
      const chatKey = chatId === undefined ? undefined : String(chatId);
      for (const rule of rules) {
        if (rule.remaining <= 0) continue;
        if (rule.until !== undefined && now >= rule.until) {
          rule.remaining = 0;
          continue;
        }
        // Without an explicit method, long polling stays untouched so the bot keeps receiving.
        if (rule.methods === undefined ? key === "getupdates" : !rule.methods.has(key)) continue;
        if (rule.chatKey !== undefined && rule.chatKey !== chatKey) continue;
        const effect = rule.effect(now);
        if (effect === undefined) continue;
        rule.remaining -= 1;
        rule.hits += 1;
        effects.push(effect);
        if (effect.kind !== "delay") break;
      }
      rules = rules.filter((r) => r.remaining > 0);
      return effects;
    },
  };
}
