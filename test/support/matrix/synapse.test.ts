/**
 * Proves the Synapse test harness itself: the shared homeserver from the global setup carries a
 * message between two residents, and a separately started one with default rate limits refuses a
 * burst with M_LIMIT_EXCEEDED.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "./matrix-test-env.js";
import {
  DEFAULT_MODE_MESSAGE_LIMIT,
  registerSynapseUser,
  startSynapse,
  type SynapseInstance,
} from "./synapse.js";
import { createTestUser, MatrixHttpError } from "./test-user.js";

const env = matrixTestEnv();

describe.skipIf(!env)(`Synapse test harness${matrixSkipNote()}`, () => {
  it("carries a message from one registered user to another through invite, join and sync", async () => {
    if (!env) throw new Error("unreachable: suite is skipped without env");
    const aliceCreds = await env.registerUser(uniqueLocalpart("alice"));
    const bobCreds = await env.registerUser(uniqueLocalpart("bob"));
    expect(aliceCreds.userId).toMatch(new RegExp(`^@alice-[0-9a-f]{8}:${env.serverName}$`));
    expect(bobCreds.userId).not.toBe(aliceCreds.userId);

    const alice = createTestUser({ baseUrl: env.baseUrl, ...aliceCreds });
    const bob = createTestUser({ baseUrl: env.baseUrl, ...bobCreds });

    const roomId = await alice.createRoom({ invite: [bob.userId], isDirect: true });
    const invitedTo = await bob.waitForInvite((id) => id === roomId);
    expect(invitedTo).toBe(roomId);
    expect(await bob.joinRoom(roomId)).toBe(roomId);

    const text = `Moin aus Himmelpforten ${Date.now()}`;
    const eventId = await alice.sendText(roomId, text);
    const seen = await bob.waitForMessage(
      roomId,
      (event) => event.type === "m.room.message" && event.content["body"] === text,
      { timeoutMs: 10_000 },
    );
    expect(seen.event_id).toBe(eventId);
    expect(seen.sender).toBe(alice.userId);

    // And back, so both directions and a second sync position are exercised.
    await bob.sendText(roomId, "Danke!");
    const reply = await alice.waitForMessage(roomId, (event) => event.content["body"] === "Danke!");
    expect(reply.sender).toBe(bob.userId);

    await bob.leave(roomId);
  });

  it("creates an encrypted DM the way Element does (m.room.encryption initial state)", async () => {
    if (!env) throw new Error("unreachable: suite is skipped without env");
    const carolCreds = await env.registerUser(uniqueLocalpart("carol"));
    const carol = createTestUser({ baseUrl: env.baseUrl, ...carolCreds });
    const roomId = await carol.createRoom({ encrypted: true, isDirect: true });
    const response = await fetch(
      `${env.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.encryption/`,
      { headers: { authorization: `Bearer ${carolCreds.accessToken}` } },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ algorithm: "m.megolm.v1.aes-sha2" });
  });

  it("rejects a wrongly signed shared-secret registration", async () => {
    if (!env) throw new Error("unreachable: suite is skipped without env");
    await expect(
      registerSynapseUser(env.baseUrl, "not-the-secret", uniqueLocalpart("mallory")),
    ).rejects.toThrow(/HTTP 403/);
  });

  describe('with rateLimits "default"', () => {
    let limited: SynapseInstance;

    beforeAll(async () => {
      limited = await startSynapse({ rateLimits: "default" });
    });

    afterAll(async () => {
      await limited?.stop();
    });

    it("answers a burst of messages with M_LIMIT_EXCEEDED and retry_after_ms", async () => {
      const daveCreds = await limited.registerUser(uniqueLocalpart("dave"));
      const dave = createTestUser({ baseUrl: limited.baseUrl, ...daveCreds });
      const roomId = await dave.createRoom();

      // Bounded: the burst allowance plus a margin must be enough to trip the limiter.
      const attempts = DEFAULT_MODE_MESSAGE_LIMIT.burst_count + 10;
      let refusal: MatrixHttpError | undefined;
      let accepted = 0;
      for (let i = 0; i < attempts && refusal === undefined; i += 1) {
        try {
          await dave.sendText(roomId, `burst ${i}`);
          accepted += 1;
        } catch (error) {
          if (!(error instanceof MatrixHttpError)) throw error;
          refusal = error;
        }
      }
      expect(refusal, `all ${attempts} sends were accepted`).toBeDefined();
      expect(refusal?.status).toBe(429);
      expect(refusal?.errcode).toBe("M_LIMIT_EXCEEDED");
      expect(refusal?.retryAfterMs).toBeGreaterThan(0);
      // Room creation itself sends events that count against rc_message, so <= burst.
      expect(accepted).toBeLessThanOrEqual(DEFAULT_MODE_MESSAGE_LIMIT.burst_count);
    });
  });
});
