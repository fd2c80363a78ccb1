import type { Transformer } from "grammy";
import type { Logger } from "../../core/ports/logger.js";

export interface RetryAfterOptions {
  readonly logger: Logger;
  /** A wait longer than this is not sat out: the call fails and the error boundary apologises. */
  readonly maxWaitMs?: number;
  /** How many times one call is retried after a 429. */
  readonly maxRetries?: number;
}

/**
 * An API transformer for the bot's direct replies: on 429 it waits the `retry_after` Telegram
 * asked for and tries again. Broadcasts do not use it; the outbox sender reports 429 instead, so
 * the dispatcher can pause without holding a worker.
 *
 * @example
 * bot.api.config.use(createRetryAfterTransformer({ logger }));
 */
export function createRetryAfterTransformer(options: RetryAfterOptions): Transformer {
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 3;
  return async (prev, method, payload, signal) => {
    let response = await prev(method, payload, signal);
    for (let attempt = 1; attempt <= maxRetries && !response.ok && response.error_code === 429; attempt++) {
      const waitMs = Math.max(1, response.parameters?.retry_after ?? 1) * 1000;
      if (waitMs > maxWaitMs || method === "getUpdates") break;
      options.logger.warn({ method, waitMs, attempt }, "Telegram asked to slow down; waiting before retrying");
      await sleep(waitMs, signal);
      response = await prev(method, payload, signal);
    }
    return response;
  };
}

/** The part of an abort signal used here; grammY's signal type comes from a polyfill package. */
interface Abortable {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

function sleep(ms: number, signal: Abortable | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted while waiting for retry_after"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted while waiting for retry_after"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
