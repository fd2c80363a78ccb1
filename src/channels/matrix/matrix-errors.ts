import type { SendOutcome } from "../../core/ports/channel-sender.js";

/** What a failed homeserver call tells us, whatever shape matrix-bot-sdk rejected with. */
export interface MatrixFailure {
  /** HTTP status, absent for network errors. */
  readonly status: number | undefined;
  readonly errcode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly message: string;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;

/**
 * Reads a rejection of the SDK's HTTP layer: a MatrixError (errcode, statusCode, retryAfterMs), a
 * bare HTTP response for non-Matrix error bodies, or a network Error.
 */
export function matrixFailure(error: unknown): MatrixFailure {
  const fields = record(error) ?? {};
  const body = record(fields["body"]);
  const status = typeof fields["statusCode"] === "number" ? fields["statusCode"] : undefined;
  const errcode = typeof fields["errcode"] === "string" ? fields["errcode"] : undefined;
  const retry = fields["retryAfterMs"] ?? body?.["retry_after_ms"];
  const message =
    errcode !== undefined
      ? `${errcode}: ${String(fields["error"] ?? "")}`
      : error instanceof Error
        ? error.message
        : `HTTP ${status ?? "?"}`;
  return { status, errcode, retryAfterMs: typeof retry === "number" && retry >= 0 ? retry : undefined, message };
}

export function isRateLimited(failure: MatrixFailure): boolean {
  return failure.errcode === "M_LIMIT_EXCEEDED" || failure.status === 429;
}

/** How long to wait after M_LIMIT_EXCEEDED when the homeserver did not say. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Maps a failed send to what the outbox dispatcher should do next. */
export function sendOutcomeOf(error: unknown): SendOutcome {
  const failure = matrixFailure(error);
  if (isRateLimited(failure)) {
    // rc_message limits the bot account as a whole, so every room waits, not just this one.
    return { kind: "retry-after", ms: failure.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, scope: "channel" };
  }
  // Not (or no longer) in the room, banned, or the room does not exist: sending there is over.
  if (failure.errcode === "M_FORBIDDEN" || failure.status === 403) return { kind: "gone", reason: failure.message };
  if (failure.errcode === "M_NOT_FOUND" || failure.status === 404) return { kind: "gone", reason: failure.message };
  // A message the homeserver refuses as such will be refused again.
  if (failure.errcode === "M_TOO_LARGE" || failure.errcode === "M_BAD_JSON" || failure.errcode === "M_NOT_JSON") {
    return { kind: "permanent", reason: failure.message };
  }
  // Network errors, 5xx and an expired token (fixable by the operator) are worth retrying later.
  return { kind: "transient", reason: failure.message };
}

export interface RateLimitRetryOptions {
  /** Attempts in all, the first included. Default 6. */
  readonly attempts?: number;
  /** Longest single wait; a homeserver asking for more is not waited out here. Default 60 s. */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onWait?: (ms: number, attempt: number) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work`, waiting out M_LIMIT_EXCEEDED for as long as the homeserver asks (bounded). */
export async function withRateLimitRetry<T>(work: () => Promise<T>, options: RateLimitRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const failure = matrixFailure(error);
      const ms = failure.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      if (!isRateLimited(failure) || attempt >= attempts || ms > maxWaitMs) throw error;
      options.onWait?.(ms, attempt);
      // A little extra, so the retry does not land a hair before the limiter has refilled.
      await wait(ms + 50);
    }
  }
}
