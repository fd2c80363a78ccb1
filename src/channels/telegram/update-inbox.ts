import type { Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";
import type { TelegramInbox } from "../../storage/stores/telegram-inbox-store.js";

export interface UpdateInboxOptions {
  readonly inbox: TelegramInbox<Update>;
  readonly logger: Logger;
  /** How long handled update ids are collected before one statement removes them (default 200 ms). */
  readonly flushMs?: number;
}

/**
 * Keeps Telegram updates in the database from fetching until handling. The runner confirms a
 * batch to Telegram with its next getUpdates call, before the batch is handled; without this, a
 * crash in between would lose what residents sent.
 */
export interface UpdateInbox {
  /**
   * For `bot.api.config.use`: saves every update getUpdates returns before the runner sees it.
   * When saving fails it throws, so the runner asks again with the same offset and Telegram sends
   * the same updates once more.
   */
  readonly transformer: Transformer;
  /** The update is done with (handled, ignored, or apologised for); removed with the next batch. */
  handled(updateId: number): void;
  /**
   * Handles every update left from an earlier run, oldest first, then removes them. An update
   * whose handling was interrupted by MAX_REPLAYS starts already is given up (and logged): one that
   * crashes the process every time must not keep the bot from ever starting again.
   */
  replay(handle: (update: Update) => Promise<void>): Promise<number>;
  /** Removes the ids collected so far now (on stop). */
  flush(): Promise<void>;
}

/** Starts that may begin handling one kept update before it is given up. */
export const MAX_REPLAYS = 3;

/** The bot's numeric id: Telegram's tokens start with it, followed by a colon. */
export function telegramBotId(token: string): string {
  const id = token.slice(0, token.indexOf(":"));
  if (!/^\d+$/.test(id)) throw new Error("a Telegram bot token starts with the bot's numeric id and a colon");
  return id;
}

/**
 * @example
 * const inbox = createUpdateInbox({ inbox: createTelegramInboxStore<Update>(access, { botId }), logger });
 * bot.api.config.use(inbox.transformer);
 * await inbox.replay((update) => bot.handleUpdate(update));
 */
export function createUpdateInbox(options: UpdateInboxOptions): UpdateInbox {
  const { inbox, logger } = options;
  const flushMs = options.flushMs ?? 200;
  let done = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  // One removal at a time, so a flush on stop also waits for the one a timer started.
  let removing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    removing = removing.then(async () => {
      if (done.size === 0) return;
      const ids = [...done];
      done = new Set();
      try {
        await inbox.remove(ids);
      } catch (err) {
        // Kept for the next batch; if that never comes, the next start replays them as duplicates.
        for (const id of ids) done.add(id);
        logger.warn({ err, count: ids.length }, "could not remove handled Telegram updates from the inbox");
      }
    });
    return removing;
  }

  function handled(updateId: number): void {
    done.add(updateId);
    if (timer) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  }

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== "getUpdates" || !response.ok) return response;
    // The method is getUpdates, so the result is its list of updates (the generic type cannot narrow).
    const updates = response.result as unknown as Update[];
    if (updates.length === 0) return response;
    try {
      await inbox.save(updates);
    } catch (err) {
      logger.warn({ err, count: updates.length }, "could not keep fetched Telegram updates in the database; fetching them again");
      throw err;
    }
    return response;
  };

  return {
    transformer,
    handled,
    flush,
    async replay(handle) {
      const updates = await inbox.pending();
      if (updates.length === 0) return 0;
      logger.info({ count: updates.length }, "handling Telegram updates left from the last run");
      for (const update of updates) {
        try {
          // Counted before handling, so an attempt that takes the process down still counts.
          const attempt = await inbox.noteReplay(update.update_id);
          if (attempt > MAX_REPLAYS) {
            logger.error({ updateId: update.update_id, attempts: attempt - 1, update }, "gave up a Telegram update whose handling kept being interrupted");
          } else {
            await handle(update);
          }
        } catch (err) {
          // The handler has its own error boundary; this is the last resort so start-up goes on.
          logger.error({ err, updateId: update.update_id }, "replaying a kept Telegram update failed");
        }
        handled(update.update_id);
      }
      await flush();
      return updates.length;
    },
  };
}
