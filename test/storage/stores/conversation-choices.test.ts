/**
 * What the dispatcher remembers of delivered cards: each delivery's choices with their labels,
 * appended after earlier deliveries (at most five), replacing a turn's plain list; a turn that
 * offers one message's choices makes the plain list again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaAccess } from "../../../src/storage/prisma-access.js";
import { createConversationStore, RECENT_CHOICE_GROUPS, saveConversationSql } from "../../../src/storage/stores/conversation-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.dispose());

const card = (id: number) => [
  { label: `Approve #${id}`, action: `mod:ok:${id}` },
  { label: `Reject #${id}`, action: `mod:no:${id}` },
];

describe("remembered choices of delivered messages", () => {
  it("appends deliveries, keeps the latest five, and answers with the latest one's actions", async () => {
    const access = createPrismaAccess(t.db.prisma);
    const store = createConversationStore(access);
    const resident = await t.db.prisma.resident.create({ data: {} });
    const key = "matrix:!mod:example.org";
    await store.lockAndLoad(key, resident.id);
    await access.client().$executeRaw(saveConversationSql(key, resident.id, { flow: null, step: null, data: {}, choices: ["menu:open"] }));

    await store.rememberChoices(key, card(1));
    let state = await store.lockAndLoad(key, resident.id);
    // The turn's plain list is gone: the card is the latest message.
    expect(state.choices).toEqual(["mod:ok:1", "mod:no:1"]);
    expect(state.recent).toEqual([card(1)]);

    for (let id = 2; id <= 7; id += 1) await store.rememberChoices(key, card(id));
    state = await store.lockAndLoad(key, resident.id);
    expect(state.choices).toEqual(["mod:ok:7", "mod:no:7"]);
    expect(state.recent).toHaveLength(RECENT_CHOICE_GROUPS);
    expect(state.recent).toEqual([3, 4, 5, 6, 7].map(card));

    // A turn that offered one message's choices stores the plain list again.
    await access.client().$executeRaw(saveConversationSql(key, resident.id, { flow: null, step: null, data: {}, choices: ["a", "b"] }));
    state = await store.lockAndLoad(key, resident.id);
    expect(state).toEqual({ flow: null, step: null, data: {}, choices: ["a", "b"] });
  });
});
