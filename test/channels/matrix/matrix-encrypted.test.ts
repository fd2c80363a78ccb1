/**
 * An encrypted room where the native crypto library is missing (as on this machine): the bot says
 * clearly, in every language, that it cannot read and what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoAvailable } from "../../../src/channels/matrix/crypto-module.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import type { RegisteredUser } from "../../support/matrix/synapse.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { createBotWorld, seenReply, type BotWorld } from "./matrix-harness.js";

const env = matrixTestEnv();

describe.skipIf(!env)(`Matrix channel: encrypted room without the crypto library${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let carol: TestUser;
  let carolCreds: RegisteredUser;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, { encryptedNoticeIntervalMs: 0 });
    await world.startChannel();
    carolCreds = await env!.registerUser(uniqueLocalpart("carol"));
    carol = createTestUser({ baseUrl: env!.baseUrl, ...carolCreds });
  });
  afterAll(async () => world?.dispose());

  it("runs without encryption here and says so", () => {
    // This machine cannot download the native library; where it can, encryption is on instead.
    expect(world.channel.encryptionEnabled()).toBe(cryptoAvailable());
  });

  it.skipIf(cryptoAvailable())("explains on joining and again on an encrypted message", async () => {
    const roomId = await carol.createRoom({ invite: [world.bot.userId], isDirect: true, encrypted: true });
    const onJoin = seenReply(await carol.waitForMessage(roomId, (e) => e.sender === world.bot.userId && e.type === "m.room.message", { timeoutMs: 15_000 }));
    expect(onJoin.text).toContain("Ich kann verschlüsselte Nachrichten nicht lesen.");
    expect(onJoin.text).toContain("I cannot read encrypted messages.");
    expect(onJoin.text).toContain("turn encryption off");
    expect(String(onJoin.event.content["formatted_body"])).toContain("<b>I cannot read encrypted messages.</b>");

    // What an encrypting client sends: an m.room.encrypted event the bot cannot decrypt.
    const response = await fetch(
      `${env!.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.encrypted/t${Date.now()}`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${carolCreds.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          algorithm: "m.megolm.v1.aes-sha2",
          ciphertext: "AwgAEnB4...",
          device_id: carolCreds.deviceId,
          sender_key: "c2VuZGVyLWtleQ",
          session_id: "c2Vzc2lvbg",
        }),
      },
    );
    expect(response.status).toBe(200);
    const again = seenReply(await carol.waitForMessage(roomId, (e) => e.sender === world.bot.userId && e.type === "m.room.message", { timeoutMs: 15_000 }));
    expect(again.text).toContain("I cannot read encrypted messages.");
    // Nothing reached the core: no resident was created for the encrypted chat.
    expect(await world.testDb.db.prisma.identity.count({ where: { id: `matrix:${carol.userId}` } })).toBe(0);
  });
});
