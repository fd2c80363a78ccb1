import type { Update } from "grammy/types";
import { describe, expect, it, vi } from "vitest";
import { createUpdateInbox, MAX_REPLAYS, telegramBotId } from "../../../src/channels/telegram/update-inbox.js";
import type { TelegramInbox } from "../../../src/storage/stores/telegram-inbox-store.js";
import { silentLogger } from "../../support/silent-logger.js";

/** An inbox in memory that records every removal call and can be made to fail. */
function memoryInbox(): TelegramInbox<Update> & { removals: number[][]; failRemovals: boolean } {
  const kept = new Map<number, Update>();
  const replays = new Map<number, number>();
  const inbox = {
    removals: [] as number[][],
    failRemovals: false,
    async save(updates: readonly Update[]) {
      for (const u of updates) if (!kept.has(u.update_id)) kept.set(u.update_id, u);
    },
    async pending() {
      return [...kept.values()].sort((a, b) => a.update_id - b.update_id);
    },
    async remove(ids: readonly number[]) {
      inbox.removals.push([...ids]);
      if (inbox.failRemovals) throw new Error("database unavailable");
      for (const id of ids) {
        kept.delete(id);
        replays.delete(id);
      }
    },
    async noteReplay(id: number) {
      if (!kept.has(id)) return 0;
      replays.set(id, (replays.get(id) ?? 0) + 1);
      return replays.get(id)!;
    },
  };
  return inbox;
}

describe("update inbox", () => {
  it("removes handled updates in one batch", async () => {
    const store = memoryInbox();
    const inbox = createUpdateInbox({ inbox: store, logger: silentLogger, flushMs: 60_000 });
    await store.save([{ update_id: 1 }, { update_id: 2 }, { update_id: 3 }]);
    inbox.handled(1);
    inbox.handled(3);
    inbox.handled(1);
    await inbox.flush();
    expect(store.removals).toEqual([[1, 3]]);
    expect((await store.pending()).map((u) => u.update_id)).toEqual([2]);
    await inbox.flush();
    expect(store.removals).toHaveLength(1);
  });

  it("keeps ids whose removal failed for the next batch", async () => {
    const store = memoryInbox();
    const inbox = createUpdateInbox({ inbox: store, logger: silentLogger, flushMs: 60_000 });
    await store.save([{ update_id: 5 }, { update_id: 6 }]);
    store.failRemovals = true;
    inbox.handled(5);
    await inbox.flush();
    store.failRemovals = false;
    inbox.handled(6);
    await inbox.flush();
    expect(store.removals).toEqual([[5], [5, 6]]);
    expect(await store.pending()).toEqual([]);
  });

  it("replays kept updates oldest first and goes on after one fails", async () => {
    const store = memoryInbox();
    const inbox = createUpdateInbox({ inbox: store, logger: silentLogger });
    await store.save([{ update_id: 9 }, { update_id: 7 }, { update_id: 8 }]);
    const seen: number[] = [];
    const count = await inbox.replay(async (update) => {
      seen.push(update.update_id);
      if (update.update_id === 8) throw new Error("bug");
    });
    expect(count).toBe(3);
    expect(seen).toEqual([7, 8, 9]);
    expect(await store.pending()).toEqual([]);
  });

  it("reads the bot id from the token", () => {
    expect(telegramBotId("7000000001:AAH-mitreden-loopback-test-token-0001")).toBe("7000000001");
    expect(() => telegramBotId("not-a-token")).toThrow();
  });

  it("gives up an update whose handling was interrupted by three starts, so a fourth start gets going", async () => {
    const store = memoryInbox();
    await store.save([{ update_id: 40 }, { update_id: 41 }]);
    let attemptsAt40 = 0;
    // Three starts that die while handling update 40: its handling never returns, nothing is removed.
    for (let start = 0; start < MAX_REPLAYS; start++) {
      const dying = createUpdateInbox({ inbox: store, logger: silentLogger });
      let reached40 = false;
      void dying.replay(async (update) => {
        if (update.update_id !== 40) return;
        attemptsAt40 += 1;
        reached40 = true;
        await new Promise(() => undefined);
      });
      await vi.waitFor(() => expect(reached40).toBe(true));
    }
    expect(attemptsAt40).toBe(MAX_REPLAYS);
    expect((await store.pending()).map((u) => u.update_id)).toEqual([40, 41]);

    const fourth = createUpdateInbox({ inbox: store, logger: silentLogger });
    const seen: number[] = [];
    await fourth.replay(async (update) => void seen.push(update.update_id));
    expect(seen).toEqual([41]);
    expect(await store.pending()).toEqual([]);
  });
});
