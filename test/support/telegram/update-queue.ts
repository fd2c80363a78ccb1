/**
 * The pending-update queue behind getUpdates: increasing update ids, confirmation by `offset`,
 * long polling that holds a request until an update arrives or the timeout passes, and Telegram's
 * 409 when a second getUpdates call overtakes a waiting one.
 */
import type { Update } from "grammy/types";
import { ApiError } from "./api-error.js";

/** An update as a test supplies it; without `update_id` the queue assigns the next one. */
export type UpdateInput = Omit<Update, "update_id"> & { update_id?: number };

interface Waiter {
  readonly resolve: (updates: Update[]) => void;
  readonly reject: (error: ApiError) => void;
  readonly timer: NodeJS.Timeout;
  readonly offset: number | undefined;
  readonly limit: number;
  readonly allowed: ReadonlySet<string> | undefined;
}

export interface UpdateQueue {
  push(update: UpdateInput): Update;
  /** Answers one getUpdates call; resolves at once when updates are pending or timeout is 0. */
  poll(params: { offset?: number; limit?: number; timeoutSeconds?: number; allowedUpdates?: readonly string[] }, onClose: (cancel: () => void) => void): Promise<Update[]>;
  /** Drops every pending update (deleteWebhook with drop_pending_updates). */
  dropPending(): void;
  readonly pendingCount: number;
  /** Ends a held request with an empty result, used when the server stops. */
  releaseWaiter(): void;
}

// Updates that never leave the queue because the bot filtered them out must not pile up forever.
const DEFAULT_ALLOWED = new Set(["message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query", "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost", "removed_chat_boost", "business_connection", "business_message", "edited_business_message", "deleted_business_messages", "message_reaction_count", "purchased_paid_media"]);

function updateType(update: Update): string {
  for (const key of Object.keys(update)) if (key !== "update_id") return key;
  return "unknown";
}

interface Entry {
  readonly update: Update;
  delivered: boolean;
}

export function createUpdateQueue(): UpdateQueue {
  let entries: Entry[] = [];
  let nextId = 100_000_001;
  let waiter: Waiter | undefined;
  let allowedUpdates: ReadonlySet<string> = DEFAULT_ALLOWED;

  function confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      // Negative offsets keep only the last -offset updates, as Telegram documents.
      entries = entries.slice(offset);
      return;
    }
    // Only updates the bot has actually seen are confirmed. A test that redelivers an already
    // confirmed update_id therefore still reaches the bot once more, which is the point.
    entries = entries.filter((e) => !(e.delivered && e.update.update_id < offset));
  }

  function take(limit: number, allowed: ReadonlySet<string>): Update[] {
    const out: Update[] = [];
    for (const entry of entries) {
      if (out.length >= limit) break;
      if (!allowed.has(updateType(entry.update))) {
        // Telegram discards updates of types the bot did not ask for.
        entry.delivered = true;
        continue;
      }
      entry.delivered = true;
      out.push(entry.update);
    }
    entries = entries.filter((e) => !(e.delivered && !allowed.has(updateType(e.update))));
    return out;
  }

  return {
    get pendingCount() {
      return entries.length;
    },
    push(input) {
      const update_id = input.update_id ?? nextId;
      if (update_id >= nextId) nextId = update_id + 1;
      const update = { ...input, update_id } as Update;
      entries.push({ update, delivered: false });
      const current = waiter;
      if (current !== undefined) {
        const updates = take(current.limit, current.allowed ?? allowedUpdates);
        if (updates.length > 0) {
          waiter = undefined;
          clearTimeout(current.timer);
          current.resolve(updates);
        }
      }
      return update;
    },
    poll({ offset, limit, timeoutSeconds, allowedUpdates: allowedList }, onClose) {
      const previous = waiter;
      if (previous !== undefined) {
        waiter = undefined;
        clearTimeout(previous.timer);
        previous.reject(new ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
      }
      // allowed_updates is sticky across calls, like Telegram's; an empty list means "default".
      if (allowedList !== undefined) allowedUpdates = allowedList.length === 0 ? DEFAULT_ALLOWED : new Set(allowedList);
      confirm(offset);
      const max = Math.min(Math.max(limit ?? 100, 1), 100);
      const updates = take(max, allowedUpdates);
      const timeout = Math.max(timeoutSeconds ?? 0, 0);
      if (updates.length > 0 || timeout === 0) return Promise.resolve(updates);
      return new Promise<Update[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (waiter?.timer === timer) waiter = undefined;
          resolve([]);
        }, timeout * 1000);
        const own: Waiter = { resolve, reject, timer, offset, limit: max, allowed: allowedUpdates };
        waiter = own;
        onClose(() => {
          if (waiter === own) {
            waiter = undefined;
            clearTimeout(timer);
            // Nobody reads the answer any more; settling keeps the handler from hanging forever.
            resolve([]);
          }
        });
      });
    },
    dropPending() {
      entries = [];
    },
    releaseWaiter() {
      const current = waiter;
      if (current === undefined) return;
      waiter = undefined;
      clearTimeout(current.timer);
      current.resolve([]);
    },
  };
}
