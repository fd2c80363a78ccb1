import type { Prisma } from "../generated/prisma/client.js";
import type { PrismaAccess } from "../prisma-access.js";

/** The one field the inbox reads of a Telegram update; everything else is kept as it came. */
export interface TelegramUpdateLike {
  readonly update_id: number;
}

/**
 * Telegram updates between fetching and handling, for one bot. The channel saves every fetched
 * batch before it confirms the batch to Telegram and removes updates once they are handled, so
 * whatever a crash interrupted is still here at the next start.
 *
 * @example
 * const inbox = createTelegramInboxStore<Update>(access, { botId: "7000000001" });
 * await inbox.save(updates);
 * for (const update of await inbox.pending()) await bot.handleUpdate(update);
 * await inbox.remove(updates.map((u) => u.update_id));
 */
export interface TelegramInbox<U extends TelegramUpdateLike = TelegramUpdateLike> {
  /** Keeps a batch in one statement; an update kept already stays as it is. */
  save(updates: readonly U[]): Promise<void>;
  /** Every update still kept, oldest first. */
  pending(): Promise<U[]>;
  /** Forgets handled updates in one statement; unknown ids are ignored. */
  remove(updateIds: readonly number[]): Promise<void>;
  /** Counts one more start that begins handling the update again; returns the count (0 if gone). */
  noteReplay(updateId: number): Promise<number>;
}

export interface TelegramInboxStoreOptions {
  /** The bot's numeric id as text (the part of the token before the colon). */
  readonly botId: string;
}

export function createTelegramInboxStore<U extends TelegramUpdateLike = TelegramUpdateLike>(
  db: PrismaAccess,
  options: TelegramInboxStoreOptions,
): TelegramInbox<U> {
  const { botId } = options;
  return {
    async save(updates) {
      if (updates.length === 0) return;
      await db.client().telegramInboxUpdate.createMany({
        // An update is plain JSON from the Bot API; its interface type just lacks an index signature.
        data: updates.map((update) => ({ botId, updateId: BigInt(update.update_id), payload: update as unknown as Prisma.InputJsonObject })),
        skipDuplicates: true,
      });
    },
    async pending() {
      const rows = await db.client().telegramInboxUpdate.findMany({
        where: { botId },
        // Telegram may restart update ids after a quiet week, so the arrival time orders first.
        orderBy: [{ receivedAt: "asc" }, { updateId: "asc" }],
        select: { payload: true },
      });
      // Only save() writes these rows, and it wrote exactly such updates.
      return rows.map((row) => row.payload as unknown as U);
    },
    async noteReplay(updateId) {
      const rows = await db.client().telegramInboxUpdate.updateManyAndReturn({
        where: { botId, updateId: BigInt(updateId) },
        data: { replays: { increment: 1 } },
        select: { replays: true },
      });
      return rows[0]?.replays ?? 0;
    },
    async remove(updateIds) {
      if (updateIds.length === 0) return;
      await db.client().telegramInboxUpdate.deleteMany({ where: { botId, updateId: { in: updateIds.map((id) => BigInt(id)) } } });
    },
  };
}
