/**
 * The outbox dispatcher with the real Matrix sender against a Synapse whose message rate limit is
 * left on: M_LIMIT_EXCEEDED is waited out and every message arrives exactly once, sent with the
 * transaction id derived from its delivery (the same one on every retry).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelSender, SendOutcome } from "../../src/core/ports/channel-sender.js";
import { systemClock } from "../../src/core/ports/clock.js";
import { createDispatcher, idempotencyKeyOf } from "../../src/delivery/dispatcher.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { createBotWorld, lastBotMessages, openDirectChat, type BotWorld } from "../channels/matrix/matrix-harness.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../support/matrix/matrix-test-env.js";
import { startSynapse, type SynapseInstance } from "../support/matrix/synapse.js";
import { createTestUser } from "../support/matrix/test-user.js";
import { silentLogger } from "../support/silent-logger.js";

// Runs where the shared Synapse runs (the PGlite project); this file starts its own, rate-limited one.
const env = matrixTestEnv();

interface Attempt {
  readonly key: string;
  readonly outcome: SendOutcome;
  readonly at: number;
}

describe.skipIf(!env)(`Matrix delivery with Synapse's rate limits on${matrixSkipNote()}`, () => {
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

  it("waits out M_LIMIT_EXCEEDED and delivers each message exactly once with its own transaction id", async () => {
    const creds = await synapse.registerUser(uniqueLocalpart("greta"));
    const greta = createTestUser({ baseUrl: synapse.baseUrl, ...creds });
    const { roomId } = await openDirectChat(world, greta);

    const attempts: Attempt[] = [];
    const real = world.channel.sender;
    const sender: ChannelSender = {
      channel: "matrix",
      async send(chatId, message, locale, key) {
        const outcome = await real.send(chatId, message, locale, key);
        attempts.push({ key, outcome, at: Date.now() });
        return outcome;
      },
    };
    const publisher = createOutboxPublisher({ access: world.access, clock: systemClock });
    const texts = Array.from({ length: 6 }, (_, i) => `Mitteilung ${i + 1} (${Date.now()})`);
    for (const text of texts) {
      await publisher.publish({ audience: { kind: "chat", channel: "matrix", chatId: roomId }, origin: "test:matrix", title: text, content: () => ({ html: text }) });
    }
    // Far above Synapse's 0.2 messages/s after a burst of 5, so the homeserver has to refuse.
    const dispatcher = createDispatcher({
      access: world.access,
      senders: [sender],
      logger: silentLogger,
      limits: { matrix: { perSecond: 50, burst: 10 } },
      concurrency: 2,
      idleMs: 50,
      backoffBaseMs: 50,
    });
    dispatcher.start();
    try {
      const until = Date.now() + 75_000;
      while ((await world.testDb.db.prisma.delivery.count({ where: { status: { in: ["pending", "sending"] } } })) > 0) {
        if (Date.now() > until) throw new Error("the Matrix outbox did not drain in time");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await dispatcher.stop();
    }

    const rows = await world.testDb.db.prisma.delivery.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(texts.map(() => "sent"));
    const limited = attempts.filter((a) => a.outcome.kind === "retry-after");
    expect(limited.length, "Synapse never refused a send").toBeGreaterThan(0);
    // Every refused delivery was sent later under the same key, after the wait Synapse asked for.
    for (const refusal of limited) {
      const sent = attempts.find((a) => a.key === refusal.key && a.outcome.kind === "sent");
      expect(sent, `delivery ${refusal.key} was never sent`).toBeDefined();
      expect(sent!.at - refusal.at).toBeGreaterThanOrEqual((refusal.outcome as { ms: number }).ms - 50);
    }
    expect(new Set(attempts.filter((a) => a.outcome.kind === "sent").map((a) => a.key)).size).toBe(texts.length);

    // What the resident sees: each text once.
    const seen = (await lastBotMessages(synapse.baseUrl, creds.accessToken, roomId, world.bot.userId, 50)).map((m) => m.text);
    for (const text of texts) expect(seen.filter((s) => s === text)).toHaveLength(1);

    // Synapse echoes the transaction id to the sending device: each event carries its delivery's key.
    const response = await fetch(`${synapse.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=100`, {
      headers: { authorization: `Bearer ${world.bot.accessToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    const { chunk } = (await response.json()) as { chunk: { content: { body?: unknown }; unsigned?: { transaction_id?: string } }[] };
    const txnOf = new Map(chunk.map((e) => [String(e.content.body ?? ""), e.unsigned?.transaction_id]));
    rows.forEach((row, i) => expect(txnOf.get(texts[i]!)).toMatch(new RegExp(`(^|\\.)${idempotencyKeyOf(row.id)}(\\.|$)`)));
  }, 120_000);
});
