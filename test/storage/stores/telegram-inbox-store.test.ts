import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaAccess } from "../../../src/storage/prisma-access.js";
import { createTelegramInboxStore } from "../../../src/storage/stores/telegram-inbox-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

interface FakeUpdate {
  update_id: number;
  message?: { text: string; chat: { id: number } };
}

const update = (id: number, text = `message ${id}`): FakeUpdate => ({ update_id: id, message: { text, chat: { id: 42 } } });

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.dispose());

describe("Telegram inbox store", () => {
  it("keeps updates exactly as given, oldest first, until they are removed", async () => {
    const inbox = createTelegramInboxStore<FakeUpdate>(createPrismaAccess(t.db.prisma), { botId: "100" });
    await inbox.save([update(7), update(5), update(6)]);
    // Ids beyond 2^31 (Telegram does not promise smaller ones) round-trip unchanged.
    await inbox.save([update(3_000_000_001, "große Zahl <b>&</b> ✓")]);

    const pending = await inbox.pending();
    expect(pending.map((u) => u.update_id)).toEqual([5, 6, 7, 3_000_000_001]);
    expect(pending[3]).toEqual(update(3_000_000_001, "große Zahl <b>&</b> ✓"));

    await inbox.remove([5, 3_000_000_001, 999]);
    expect((await inbox.pending()).map((u) => u.update_id)).toEqual([6, 7]);
    await inbox.remove([6, 7]);
    expect(await inbox.pending()).toEqual([]);
  });

  it("leaves an update saved twice as it was and stores it once", async () => {
    const inbox = createTelegramInboxStore<FakeUpdate>(createPrismaAccess(t.db.prisma), { botId: "101" });
    await inbox.save([update(10, "first")]);
    await inbox.save([update(10, "again"), update(11)]);
    expect(await inbox.pending()).toEqual([update(10, "first"), update(11)]);
    expect(await t.db.prisma.telegramInboxUpdate.count({ where: { botId: "101" } })).toBe(2);
  });

  it("keeps two bots on one database apart, even with the same update ids", async () => {
    const access = createPrismaAccess(t.db.prisma);
    const first = createTelegramInboxStore<FakeUpdate>(access, { botId: "201" });
    const second = createTelegramInboxStore<FakeUpdate>(access, { botId: "202" });
    await first.save([update(1, "for the first bot")]);
    await second.save([update(1, "for the second bot"), update(2)]);

    expect(await first.pending()).toEqual([update(1, "for the first bot")]);
    await first.remove([1, 2]);
    expect(await first.pending()).toEqual([]);
    expect(await second.pending()).toEqual([update(1, "for the second bot"), update(2)]);
  });

  it("counts the starts that begin an update again, per bot, and none for one already removed", async () => {
    const access = createPrismaAccess(t.db.prisma);
    const inbox = createTelegramInboxStore<FakeUpdate>(access, { botId: "400" });
    const other = createTelegramInboxStore<FakeUpdate>(access, { botId: "401" });
    await inbox.save([update(3_000_000_005)]);
    await other.save([update(3_000_000_005)]);
    expect(await inbox.noteReplay(3_000_000_005)).toBe(1);
    expect(await inbox.noteReplay(3_000_000_005)).toBe(2);
    expect(await other.noteReplay(3_000_000_005)).toBe(1);
    await inbox.remove([3_000_000_005]);
    expect(await inbox.noteReplay(3_000_000_005)).toBe(0);
  });

  it("does nothing for empty batches", async () => {
    const inbox = createTelegramInboxStore<FakeUpdate>(createPrismaAccess(t.db.prisma), { botId: "300" });
    await inbox.save([]);
    await inbox.remove([]);
    expect(await inbox.pending()).toEqual([]);
  });
});
