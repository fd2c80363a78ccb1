/** Text from a homeserver is cleaned before it reaches the core or the database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { createQuarantineStore } from "../../../src/storage/stores/quarantine-store.js";
import type { RegisteredUser } from "../../support/matrix/synapse.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { botMessages, createBotWorld, openDirectChat, say, type BotWorld } from "./matrix-harness.js";

const env = matrixTestEnv();

// "ü" written as u + combining diaeresis (NFD), as some keyboards and macOS file names produce it.
const DECOMPOSED_NAME = "Ju\u0308rgen\u0007\u009b";
const HOSTILE_TEXT = "Gru\u0308\u00dfe\u0000 aus\u001b[31m Hammah\u200b\u0085";

describe.skipIf(!env)(`Matrix channel: NUL, controls and decomposed umlauts${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let jurgen: TestUser;
  let account: RegisteredUser;
  const seen: InboundEvent[] = [];

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot);
    // What the channel hands to the core, recorded on the way.
    const core: ConversationCore = {
      commands: () => world.core.commands(),
      localeFor: (senderId, hint) => world.core.localeFor(senderId, hint),
      async handle(event, capabilities) {
        seen.push(event);
        if (event.payload.type === "text" && event.payload.text === "!boom") throw new Error("boom in a flow");
        return world.core.handle(event, capabilities);
      },
    };
    await world.startChannel({ core, quarantine: createQuarantineStore(world.access) });
    account = await env!.registerUser(uniqueLocalpart("juergen"));
    jurgen = createTestUser({ baseUrl: env!.baseUrl, ...account });
    const response = await fetch(`${env!.baseUrl}/_matrix/client/v3/profile/${encodeURIComponent(account.userId)}/displayname`, {
      method: "PUT",
      headers: { authorization: `Bearer ${account.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ displayname: DECOMPOSED_NAME }),
    });
    expect(response.status).toBe(200);
  });
  afterAll(async () => world?.dispose());

  it("answers a message with NUL and controls and hands on and stores only clean text", async () => {
    const { roomId } = await openDirectChat(world, jurgen);
    const eventId = await jurgen.sendText(roomId, HOSTILE_TEXT);
    const replies = await botMessages(jurgen, roomId, world.bot.userId, await world.waitHandled(`matrix:${eventId}`));
    expect(replies.length).toBeGreaterThan(0);
    // The homeserver kept the message as sent; the bot cleaned its copy.
    const event = seen.find((e) => e.payload.type === "text" && e.payload.text !== "/start");
    // The zero-width space is a format character, not a control: it stays.
    expect(event?.payload).toEqual({ type: "text", text: "Gr\u00fc\u00dfe aus[31m Hammah\u200b" });
    expect(event?.senderName).toBe("J\u00fcrgen");
    const identity = await world.testDb.db.prisma.identity.findUnique({ where: { id: `matrix:${account.userId}` } });
    expect(identity?.displayName).toBe("J\u00fcrgen");
    // Handled, not set aside (looked up by this event, whatever other tests of the file did).
    expect(await world.testDb.db.prisma.quarantinedEvent.count({ where: { eventId } })).toBe(0);
  });

  it("sets an event aside when its handling fails, after the apology", async () => {
    const { roomId } = await openDirectChat(world, jurgen);
    const [apology] = await say(world, jurgen, roomId, "!boom");
    expect(apology?.text).toContain("Entschuldigung");
    const [kept] = await createQuarantineStore(world.access).list(10);
    expect(kept).toMatchObject({ channel: "matrix", instance: world.bot.userId, reason: "handling failed: boom in a flow" });
    expect(JSON.parse(kept!.payload)).toMatchObject({ room_id: roomId, type: "m.room.message", content: { body: "!boom" } });
    expect(kept!.eventId).toMatch(/^\$/);
  });
});
