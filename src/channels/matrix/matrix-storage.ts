import type { IFilterInfo, IStorageProvider } from "matrix-bot-sdk";
import type { KeyValueStore } from "../../storage/stores/key-value-store.js";

/**
 * matrix-bot-sdk's storage contract on the project's KeyValue table, so the sync token, the filter
 * and the SDK's small values survive restarts and live with the rest of the data (PGlite or
 * PostgreSQL), not in a side file. Keys are namespaced by the bot's user id.
 *
 * The sync token is only written by the channel's sync loop after every event before it has been
 * handled; see sync-loop.ts.
 */
export interface MatrixStorage extends IStorageProvider {
  setSyncToken(token: string | null): Promise<void>;
  getSyncToken(): Promise<string | null>;
  setFilter(filter: IFilterInfo): Promise<void>;
  getFilter(): Promise<IFilterInfo>;
  storeValue(key: string, value: string): Promise<void>;
  readValue(key: string): Promise<string | null>;
}

export function createMatrixStorage(keyValues: KeyValueStore, botUserId: string): MatrixStorage {
  const prefix = `matrix:${botUserId}:`;
  const readString = async (key: string): Promise<string | null> => {
    const value = await keyValues.get(prefix + key);
    return typeof value === "string" ? value : null;
  };
  const writeString = async (key: string, value: string | null): Promise<void> => {
    if (value === null) await keyValues.delete(prefix + key);
    else await keyValues.set(prefix + key, value);
  };

  return {
    setSyncToken: (token) => writeString("sync-token", token),
    getSyncToken: () => readString("sync-token"),
    async setFilter(filter) {
      await keyValues.set(prefix + "filter", { id: String(filter.id), filter: JSON.stringify(filter.filter) });
    },
    async getFilter() {
      const value = await keyValues.get(prefix + "filter");
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const { id, filter } = value;
        // Homeservers hand out string filter ids; the SDK's type says number but only echoes it back.
        if (typeof id === "string" && typeof filter === "string") {
          return { id: id as unknown as number, filter: JSON.parse(filter) as unknown };
        }
      }
      // The SDK's contract says "null when none"; its type omits that.
      return null as unknown as IFilterInfo;
    },
    storeValue: (key, value) => writeString(`value:${key}`, value),
    readValue: (key) => readString(`value:${key}`),
  };
}
