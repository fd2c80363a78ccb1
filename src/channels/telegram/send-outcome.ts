import { GrammyError, HttpError } from "grammy";
import type { SendOutcome } from "../../core/ports/channel-sender.js";

/**
 * Maps a failed Bot API call to what the outbox dispatcher should do next. Nothing here waits:
 * a 429 becomes a "retry-after" the dispatcher schedules, so one slow chat never blocks others.
 *
 * @example
 * classifySendError(new GrammyError("…", { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }, "sendMessage", {}));
 * // → { kind: "gone", reason: "Forbidden: bot was blocked by the user" }
 */
export function classifySendError(error: unknown): SendOutcome {
  if (error instanceof GrammyError) {
    const reason = error.description;
    const retryAfter = error.parameters.retry_after;
    if (error.error_code === 429) {
      // Telegram does not say whether a 429 is per chat or for the whole bot; pausing the whole
      // channel is the safe reading because flood control usually is bot-wide.
      return { kind: "retry-after", ms: Math.max(1, retryAfter ?? 1) * 1000, scope: "channel" };
    }
    const migrateTo = error.parameters.migrate_to_chat_id;
    if (migrateTo !== undefined) return { kind: "migrated", newChatId: String(migrateTo) };
    if (error.error_code === 403) return { kind: "gone", reason };
    if (error.error_code === 400 && /chat not found|user is deactivated|PEER_ID_INVALID/i.test(reason)) {
      return { kind: "gone", reason };
    }
    if (error.error_code >= 500) return { kind: "transient", reason };
    // 401 means the token was revoked: the deliveries themselves are fine, so they wait for a fix.
    if (error.error_code === 401) return { kind: "transient", reason };
    return { kind: "permanent", reason };
  }
  if (error instanceof HttpError) return { kind: "transient", reason: `network: ${errorText(error.error)}` };
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return { kind: "transient", reason: `timeout: ${error.message}` };
  }
  throw error;
}

function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
