import type { PrismaAccess } from "../prisma-access.js";
import type { Prisma } from "../generated/prisma/client.js";

/** A JSON value as stored in the KeyValue table. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Small durable state of channels and workers (sync tokens, filters, SDK values), one JSON value per
 * key. Calls inside a unit of work join its transaction; outside one they commit on their own.
 *
 * @example
 * await keyValues.set("matrix:@bot:example.org:sync-token", "s72594_4483_1934");
 * const token = await keyValues.get("matrix:@bot:example.org:sync-token");
 */
export interface KeyValueStore {
  get(key: string): Promise<JsonValue | undefined>;
  /** A top-level null is not storable (Prisma reserves it); delete the key instead. */
  set(key: string, value: Exclude<JsonValue, null>): Promise<void>;
  delete(key: string): Promise<void>;
}

export function createKeyValueStore(db: PrismaAccess): KeyValueStore {
  return {
    async get(key) {
      const row = await db.client().keyValue.findUnique({ where: { key } });
      return row === null ? undefined : (row.value as JsonValue);
    },
    async set(key, value) {
      const json = value as Prisma.InputJsonValue;
      await db.client().keyValue.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    },
    async delete(key) {
      await db.client().keyValue.deleteMany({ where: { key } });
    },
  };
}
