import type { Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";
import type { TelegramInbox } from "../../storage/stores/telegram-inbox-store.js";
import { errorReason } from "../quarantine-event.js";

export interface UpdateInboxOptions {
  readonly inbox: TelegramInbox<Update>;
  readonly logger: Logger;
  /** How long handled update ids are collected before one statement removes them (default 200 ms). */
  readonly flushMs?: number;
  /**
   * Sets an update aside (the quarantine) that cannot be kept or keeps failing; resolves false
   * when that failed too. Without it, a batch the database refuses is fetched again and again.
   */
  readonly setAside?: SetAside;
}

/** Why an update is set aside: the database refused it, handling it failed, or its replay kept being interrupted. */
export type SetAsideCause = "storing" | "handling" | "replay";

export type SetAside = (update: Update, reason: string, cause: SetAsideCause) => Promise<boolean>;

/**
 * Keeps Telegram updates in the database from fetching until handling. The runner confirms a
 * batch to Telegram with its next getUpdates call, before the batch is handled; without this, a
 * crash in between would lose what residents sent.
 */
export interface UpdateInbox {
  /**
   * For `bot.api.config.use`: saves every update getUpdates returns before the runner sees it.
   * When saving the batch fails, the updates are saved one by one; one the database still refuses
   * is set aside and reaches the runner only as its bare update_id (so the offset moves past it
   * and the rest of the batch is handled). When nothing can be saved, the database may simply be
   * down: then it throws, so the runner asks again with the same offset, and an update is set
   * aside only once it failed MAX_SAVE_ATTEMPTS fetches in a row.
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

/** Fetches in which an update alone could not be saved before it is set aside. */
export const MAX_SAVE_ATTEMPTS = 3;

/** How many set-aside update ids are remembered, so a refetched one is not set aside twice. */
const REMEMBERED_SET_ASIDE = 1_000;

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

  const { setAside } = options;
  // Update ids in a row of fetches in which they alone could not be saved.
  const saveFailures = new Map<number, number>();
  const setAsideIds = new Set<number>();

  function rememberSetAside(updateId: number): void {
    saveFailures.delete(updateId);
    setAsideIds.add(updateId);
    if (setAsideIds.size > REMEMBERED_SET_ASIDE) setAsideIds.delete(setAsideIds.values().next().value as number);
  }

  /** Saves what it can one by one; returns the ids set aside, or throws to fetch the batch again. */
  async function keepOneByOne(updates: readonly Update[], batchError: unknown): Promise<ReadonlySet<number>> {
    const failed: { update: Update; err: unknown }[] = [];
    let saved = 0;
    for (const update of updates) {
      try {
        await inbox.save([update]);
        saved += 1;
      } catch (err) {
        failed.push({ update, err });
      }
    }
    if (failed.length === 0) return new Set();
    // Once the database kept others it works, and these updates are the problem. When it kept
    // none, it may be down; an update is then given a few more fetches.
    const attempts = failed.map(({ update }) => {
      const count = (saveFailures.get(update.update_id) ?? 0) + 1;
      saveFailures.set(update.update_id, count);
      return count;
    });
    if (!setAside || (saved === 0 && attempts.some((count) => count < MAX_SAVE_ATTEMPTS))) {
      logger.warn({ err: batchError, count: updates.length, refused: failed.length }, "could not keep fetched Telegram updates in the database; fetching them again");
      throw batchError;
    }
    const ids = new Set<number>();
    for (const { update, err } of failed) {
      if (!(await setAside(update, errorReason("storing failed", err), "storing"))) throw err;
      rememberSetAside(update.update_id);
      ids.add(update.update_id);
    }
    return ids;
  }

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== "getUpdates" || !response.ok) return response;
    // The method is getUpdates, so the result is its list of updates (the generic type cannot narrow).
    const updates = response.result as unknown as Update[];
    if (updates.length === 0) return response;
    const fresh = updates.filter((update) => !setAsideIds.has(update.update_id));
    let excluded: ReadonlySet<number> = new Set(updates.filter((update) => setAsideIds.has(update.update_id)).map((u) => u.update_id));
    try {
      await inbox.save(fresh);
    } catch (err) {
      excluded = new Set([...excluded, ...(await keepOneByOne(fresh, err))]);
    }
    for (const update of fresh) saveFailures.delete(update.update_id);
    if (excluded.size === 0) return response;
    // Kept in the list as bare ids: the runner takes its next offset from the last update.
    const result = updates.map((update) => (excluded.has(update.update_id) ? { update_id: update.update_id } : update));
    return { ...response, result: result as unknown as typeof response.result };
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
            logger.error({ updateId: update.update_id, attempts: attempt - 1 }, "gave up a Telegram update whose handling kept being interrupted");
            await setAside?.(update, `handling was interrupted ${attempt - 1} times (the process stopped or crashed)`, "replay");
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
