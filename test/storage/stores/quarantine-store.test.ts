import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaAccess } from "../../../src/storage/prisma-access.js";
import { createQuarantineStore, quarantinePayload } from "../../../src/storage/stores/quarantine-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.dispose());

describe("quarantine store", () => {
  it("keeps what the database refused elsewhere: payload, reason and ids cleaned", async () => {
    const store = createQuarantineStore(createPrismaAccess(t.db.prisma));
    const hostile = { update_id: 1, message: { text: "a\u0000b\ud800", from: { first_name: "Ev\u0007e" } }, "k\u0000ey": ["Cafe\u0301"] };
    const first = await store.add({ channel: "telegram", instance: "7000000001", eventId: "1\u0000", reason: "storing failed: \ud800bad\u0000", payload: hostile });
    const second = await store.add({ channel: "matrix", instance: "@bot:example.org", eventId: "$x", reason: "handling failed: boom", payload: { body: "hi" } });

    expect((await store.list(10)).map((row) => row.id)).toEqual([second, first]);
    expect((await store.list(1)).map((row) => row.id)).toEqual([second]);
    const kept = await store.get(first);
    expect(kept).toMatchObject({ channel: "telegram", instance: "7000000001", eventId: "1", reason: "storing failed: bad" });
    expect(JSON.parse(kept!.payload)).toEqual({ update_id: 1, message: { text: "ab", from: { first_name: "Eve" } }, key: ["Caf\u00e9"] });

    expect(await store.drop(first)).toBe(true);
    expect(await store.drop(first)).toBe(false);
    expect(await store.get(first)).toBeUndefined();
    expect(await store.removeOlderThan(new Date(Date.now() + 60_000))).toBe(1);
    expect(await store.list(10)).toEqual([]);
  });

  it("cuts a huge payload without leaving half a surrogate pair", () => {
    const text = quarantinePayload({ text: "😀".repeat(60_000) });
    expect(text.length).toBeLessThanOrEqual(100_000);
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(quarantinePayload(undefined)).toBe("null");
  });
});
