/**
 * The outbox's Matrix sender: a retried delivery (same idempotency key → same transaction id) shows
 * once, and M_LIMIT_EXCEEDED from a rate-limited Synapse becomes "retry-after" with the homeserver's
 * wait, while the channel's own replies wait it out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { startSynapse, type SynapseInstance } from "../../support/matrix/synapse.js";
import { createTestUser } from "../../support/matrix/test-user.js";
import type { SendOutcome } from "../../../src/core/ports/channel-sender.js";
import { createBotWorld, lastBotMessages, openDirectChat, type BotWorld } from "./matrix-harness.js";

const env = matrixTestEnv();

describe.skipIf(!env)(`Matrix sender${matrixSkipNote()}`, () => {
  describe("idempotent retries", () => {
    let world: BotWorld;
    beforeAll(async () => {
      world = await createBotWorld(env!.baseUrl, await env!.registerUser(uniqueLocalpart("mitreden")));
      await world.startChannel();
    });
    afterAll(async () => world?.dispose());

    it("shows a delivery sent twice with the same key once", async () => {
      const creds = await env!.registerUser(uniqueLocalpart("dora"));
      const dora = createTestUser({ baseUrl: env!.baseUrl, ...creds });
      const { roomId } = await openDirectChat(world, dora);
      const message = { html: `<b>Neue Umfrage</b> in Hammah ${Date.now()}` };
      const first = await world.channel.sender.send(roomId, message, "de", "delivery-815");
      const second = await world.channel.sender.send(roomId, message, "de", "delivery-815");
      expect(first.kind).toBe("sent");
      expect(second).toEqual(first);
      const recent = await lastBotMessages(env!.baseUrl, creds.accessToken, roomId, world.bot.userId, 50);
      expect(recent.filter((r) => r.text === message.html.replace(/<\/?b>/g, ""))).toHaveLength(1);

      // A different key is a different delivery.
      const third = await world.channel.sender.send(roomId, message, "de", "delivery-816");
      expect(third.kind).toBe("sent");
      expect(third).not.toEqual(first);
    });

    it("reports a room the bot is not in as gone", async () => {
      const creds = await env!.registerUser(uniqueLocalpart("erik"));
      const roomId = await createTestUser({ baseUrl: env!.baseUrl, ...creds }).createRoom();
      const outcome = await world.channel.sender.send(roomId, { html: "hallo" }, "de", "delivery-1");
      expect(outcome.kind).toBe("gone");
    });
  });

  describe("with Synapse's message rate limit on", () => {
    let synapse: SynapseInstance;
    let world: BotWorld;
    beforeAll(async () => {
      synapse = await startSynapse({ rateLimits: "default" });
      world = await createBotWorld(synapse.baseUrl, await synapse.registerUser(uniqueLocalpart("mitreden")));
      await world.startChannel();
    });
    afterAll(async () => {
      await world?.dispose();
      await synapse?.stop();
    });

    it("returns retry-after with the homeserver's wait, then sends", async () => {
      const creds = await synapse.registerUser(uniqueLocalpart("frida"));
      const frida = createTestUser({ baseUrl: synapse.baseUrl, ...creds });
      const { roomId } = await openDirectChat(world, frida);

      let refused: { key: string; outcome: Extract<SendOutcome, { kind: "retry-after" }> } | undefined;
      for (let i = 0; i < 12 && !refused; i += 1) {
        const outcome = await world.channel.sender.send(roomId, { html: `Nachricht ${i}` }, "de", `burst-${i}`);
        if (outcome.kind === "retry-after") refused = { key: `burst-${i}`, outcome };
        else expect(outcome.kind).toBe("sent");
      }
      expect(refused, "the burst never hit the limit").toBeDefined();
      expect(refused!.outcome.ms).toBeGreaterThan(0);
      expect(refused!.outcome.scope).toBe("channel");

      // What the dispatcher does: wait as told, then retry the same delivery.
      await new Promise((resolve) => setTimeout(resolve, refused!.outcome.ms + 100));
      const retried = await world.channel.sender.send(roomId, { html: "Nachricht nach der Pause" }, "de", refused!.key);
      expect(retried.kind).toBe("sent");

      // The channel's own replies wait out the limit instead of failing.
      const started = Date.now();
      const eventId = await frida.sendText(roomId, "!warten");
      const replies = await world.waitHandled(`matrix:${eventId}`, { timeoutMs: 25_000 });
      expect(replies).toBe(1);
      const [answer] = await lastBotMessages(synapse.baseUrl, creds.accessToken, roomId, world.bot.userId, 1);
      // Frida has not finished onboarding, so the answer is the onboarding prompt again.
      expect(answer!.text).toContain("mitreden");
      expect(answer!.choices).toEqual(["Deutsch", "English"]);
      expect(Date.now() - started).toBeGreaterThan(1_000);
    }, 180_000);
  });
});
