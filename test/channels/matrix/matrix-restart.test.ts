/**
 * Events that arrive while the bot is down are handled after its restart, each once, even when
 * they span several /sync timeline pages (the gap is closed through /messages).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { createBotWorld, lastBotMessages, openDirectChat, say, type BotWorld } from "./matrix-harness.js";
import type { RegisteredUser } from "../../support/matrix/synapse.js";
import { MATRIX_CAPABILITIES } from "../../../src/channels/matrix/render-message.js";

const env = matrixTestEnv();
/** Smaller than the number of messages sent while the bot is down, so the timeline is "limited". */
const TIMELINE_LIMIT = 3;

describe.skipIf(!env)(`Matrix channel: restart with messages sent while down${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let ben: TestUser;
  let benCreds: RegisteredUser;
  let roomId: string;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, { timelineLimit: TIMELINE_LIMIT });
    await world.startChannel();
    benCreds = await env!.registerUser(uniqueLocalpart("ben"));
    ben = createTestUser({ baseUrl: env!.baseUrl, ...benCreds });
    ({ roomId } = await openDirectChat(world, ben));
    await say(world, ben, roomId, "1"); // Deutsch
    const areas = await say(world, ben, roomId, "1"); // the first village offered
    expect(areas.at(-1)!.choices.length).toBeGreaterThan(0);
    const menu = await say(world, ben, roomId, "1"); // privacy notice accepted
    expect(menu.at(-1)!.choices).toHaveLength(6);
  });
  afterAll(async () => world?.dispose());

  it("handles every message sent while it was stopped exactly once, in order", async () => {
    await world.channel.stop();
    // Answers that do not change the offered choices, so each reply is predictable.
    const texts = ["9", "8", "!hilfe", "7", "!eins", "!zwei", "!drei", "!vier"];
    const eventIds: string[] = [];
    for (const text of texts) eventIds.push(`matrix:${await ben.sendText(roomId, text)}`);
    expect(texts.length).toBeGreaterThan(2 * TIMELINE_LIMIT);

    await world.startChannel();
    let replies = 0;
    for (const eventId of eventIds) replies += await world.waitHandled(eventId);
    const seen = await lastBotMessages(env!.baseUrl, benCreds.accessToken, roomId, world.bot.userId, replies);
    expect(seen).toHaveLength(replies);
    // One answer each, in the order the resident wrote.
    expect(seen.map((r) => r.text)).toEqual(
      texts.map((text) =>
        text.startsWith("!")
          ? `Den Befehl „${text.slice(1)}“ kenne ich nicht. /help zeigt, was möglich ist.`
          : "Bitte antworten Sie mit einer Zahl von 1 bis 6.",
      ),
    );

    // Each recorded once in the core's event log, each reported handled once.
    const processed = await world.testDb.db.prisma.processedEvent.count({ where: { id: { in: eventIds } } });
    expect(processed).toBe(eventIds.length);
    for (const eventId of eventIds) expect(world.timesHandled(eventId)).toBe(1);

    // A second restart from the saved token replays nothing.
    await world.channel.stop();
    await world.startChannel();
    await world.channel.nextBatch();
    const probe = `matrix:${await ben.sendText(roomId, "!help")}`;
    const count = await world.waitHandled(probe);
    const after = await lastBotMessages(env!.baseUrl, benCreds.accessToken, roomId, world.bot.userId, count);
    expect(after[0]!.text).toMatch(/einstellungen|settings/i);
    for (const eventId of eventIds) expect(world.timesHandled(eventId)).toBe(1);
  });

  it("sends the reply of a message whose turn was saved when a crash stopped the reply", async () => {
    await world.channel.stop();
    const matrixId = await ben.sendText(roomId, "9");
    const eventId = `matrix:${matrixId}`;
    // The process before the crash: the turn is committed, its reply never reaches the room.
    const crashed = await world.core.handle(
      {
        eventId,
        channel: "matrix",
        chat: { id: roomId, kind: "private" },
        senderId: `matrix:${benCreds.userId}`,
        payload: { type: "text", text: "9" },
        receivedAt: new Date(),
      },
      MATRIX_CAPABILITIES,
    );
    expect(crashed.duplicate).toBe(false);
    const before = await lastBotMessages(env!.baseUrl, benCreds.accessToken, roomId, world.bot.userId, 50);

    // After the restart the sync token still points before the message: it comes again.
    await world.startChannel();
    expect(await world.waitHandled(eventId)).toBe(1);
    const after = await lastBotMessages(env!.baseUrl, benCreds.accessToken, roomId, world.bot.userId, 50);
    const known = new Set(before.map((r) => r.event.event_id));
    const fresh = after.filter((r) => !known.has(r.event.event_id));
    // What the crashed turn answered ("9" is out of range of the choices offered last).
    expect(crashed.messages).toHaveLength(1);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.text).toMatch(/^Bitte antworten Sie mit (einer Zahl von 1 bis \d+|der Zahl 1)\.$/);
    expect(fresh[0]!.choices).toEqual((crashed.messages[0]!.choices ?? []).flat().map((c) => c.label));
    // Nothing was handled twice: the event is recorded once.
    expect(await world.testDb.db.prisma.processedEvent.count({ where: { id: eventId } })).toBe(1);
  });
});
