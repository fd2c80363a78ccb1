import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher, idempotencyKeyOf, type Dispatcher } from "../../src/delivery/dispatcher.js";
import { telegramLimits } from "../../src/delivery/limits.js";
import { systemClock } from "../../src/core/ports/clock.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { silentLogger } from "../support/silent-logger.js";
import { createOutboxFixture, createScriptedSender, textContent, type OutboxFixture, type ScriptedSender } from "./outbox-fixture.js";

let f: OutboxFixture;
beforeAll(async () => {
  f = await createOutboxFixture();
});
afterAll(async () => f.dispose());

let sender: ScriptedSender;
let dispatcher: Dispatcher;
const nowMs = () => f.clock.now().getTime();
/** Waiting moves the test clock, so rate limits are exercised without real sleeping. */
const sleep = async (ms: number) => f.clock.advance(ms);

function makeDispatcher(options: Partial<Parameters<typeof createDispatcher>[0]> = {}): Dispatcher {
  return createDispatcher({
    access: f.access,
    senders: [sender],
    logger: silentLogger,
    clock: f.clock,
    sleep,
    // Generous by default; rate tests set their own.
    limits: { telegram: { perSecond: 10_000, burst: 10_000 } },
    concurrency: 4,
    leaseMs: 30_000,
    ownerId: "test-dispatcher",
    backoffBaseMs: 1_000,
    maxAttempts: 3,
    ...options,
  });
}

/** Runs rounds until nothing is due, moving the clock to the next due row when needed. */
async function drain(d: Dispatcher, maxRounds = 200): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    if ((await d.runOnce()) > 0) continue;
    const next = await f.prisma.delivery.findFirst({ where: { status: "pending" }, orderBy: { nextAttemptAt: "asc" } });
    if (!next) return;
    f.clock.advance(Math.max(1, next.nextAttemptAt.getTime() - nowMs()));
  }
  throw new Error("outbox did not drain");
}

async function publishTo(chatIds: string[], text: string): Promise<number> {
  const receipt = await f.access.run(async () => {
    let last = 0;
    for (const chatId of chatIds) {
      last = (
        await f.publisher.publish({
          audience: { kind: "chat", channel: "telegram", chatId },
          origin: `test:${text}`,
          title: text,
          content: textContent(`${text} ${chatId}`),
        })
      ).broadcastId;
    }
    return last;
  });
  return receipt;
}

beforeEach(async () => {
  await f.prisma.delivery.deleteMany();
  await f.prisma.broadcast.deleteMany();
  await f.prisma.subscription.deleteMany();
  sender = createScriptedSender("telegram", nowMs);
  dispatcher = makeDispatcher();
});

describe("dispatcher", () => {
  it("sends every pending row once and marks it sent with a stable idempotency key", async () => {
    const hammah = await f.area("hammah");
    for (let i = 0; i < 25; i++) await f.subscribe(`${1000 + i}`, "news", hammah);
    const { broadcastId } = await f.publisher.publish({
      audience: { kind: "feed", feed: "news", areaId: hammah },
      origin: "news:1",
      title: "News",
      content: textContent("Feuerwehrfest"),
    });
    await drain(dispatcher);
    expect(sender.calls).toHaveLength(25);
    expect(new Set(sender.calls.map((c) => c.chatId)).size).toBe(25);
    const rows = await f.prisma.delivery.findMany({ where: { broadcastId } });
    expect(rows.every((r) => r.status === "sent" && r.sentAt !== null && r.leaseOwner === null)).toBe(true);
    const row = rows[0]!;
    expect(sender.calls.find((c) => c.chatId === row.chatId)!.key).toBe(idempotencyKeyOf(row.id));
    expect(sender.calls[0]!.html).toBe("Feuerwehrfest");
  });

  it("pauses the whole platform on retry-after with channel scope", async () => {
    await publishTo(["1", "2", "3", "4"], "a");
    sender.script("1", { kind: "retry-after", ms: 5_000, scope: "channel" });
    const start = nowMs();
    dispatcher = makeDispatcher({ concurrency: 1 });
    await drain(dispatcher);
    const after = sender.calls.slice(1);
    // Nothing went to Telegram during the pause, and chat 1 got its message afterwards.
    expect(after.every((c) => c.atMs >= start + 5_000)).toBe(true);
    expect(sender.delivered().map((c) => c.chatId).sort()).toEqual(["1", "2", "3", "4"]);
    const retried = await f.prisma.delivery.findFirstOrThrow({ where: { chatId: "1" } });
    expect(retried.attempts).toBe(1); // the wait was not counted as a failed attempt
  });

  it("pauses only that chat on retry-after with chat scope", async () => {
    await publishTo(["1", "2", "3"], "b");
    sender.script("1", { kind: "retry-after", ms: 10_000, scope: "chat" });
    const start = nowMs();
    await dispatcher.runOnce();
    expect(sender.delivered().map((c) => c.chatId).sort()).toEqual(["2", "3"]);
    expect(nowMs() - start).toBeLessThan(10_000);
    await drain(dispatcher);
    const chat1 = sender.calls.filter((c) => c.chatId === "1");
    expect(chat1).toHaveLength(2);
    expect(chat1[1]!.atMs).toBeGreaterThanOrEqual(start + 10_000);
  });

  it("deactivates the subscriptions of a chat that is gone and fails its rows", async () => {
    const hammah = await f.area("hammah");
    const kept = await f.subscribe("-2001", "news", hammah);
    const dropped = await f.subscribe("-2002", "news", hammah);
    await f.subscribe("-2002", "surveys", null);
    await f.publisher.publish({ audience: { kind: "feed", feed: "news", areaId: hammah }, origin: "n", title: "n", content: textContent("x") });
    await f.publisher.publish({ audience: { kind: "feed", feed: "surveys", areaId: hammah }, origin: "s", title: "s", content: textContent("y") });
    sender.script("-2002", { kind: "gone", reason: "403 bot was kicked" });
    dispatcher = makeDispatcher({ concurrency: 1, batchSize: 1 });
    await drain(dispatcher);
    expect((await f.prisma.subscription.findUniqueOrThrow({ where: { id: kept } })).active).toBe(true);
    expect(await f.prisma.subscription.count({ where: { chatId: "-2002", active: true } })).toBe(0);
    expect((await f.prisma.subscription.findUniqueOrThrow({ where: { id: dropped } })).active).toBe(false);
    const rows = await f.prisma.delivery.findMany({ where: { chatId: "-2002" } });
    expect(rows.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect(sender.calls.filter((c) => c.chatId === "-2002")).toHaveLength(1);
  });

  it("moves subscriptions of a migrated group to its new id and sends there", async () => {
    const sub = await f.subscribe("-300", "results", null);
    await f.publisher.publish({ audience: { kind: "feed", feed: "results", areaId: null }, origin: "r", title: "r", content: textContent("Ergebnis") });
    sender.script("-300", { kind: "migrated", newChatId: "-100300" });
    await drain(dispatcher);
    expect(sender.delivered().map((c) => c.chatId)).toEqual(["-100300"]);
    expect((await f.prisma.subscription.findUniqueOrThrow({ where: { id: sub } })).chatId).toBe("-100300");
    const row = await f.prisma.delivery.findFirstOrThrow({ where: { subscriptionId: sub } });
    expect([row.chatId, row.status]).toEqual(["-100300", "sent"]);
  });

  it("retries transient errors with growing backoff and gives up after maxAttempts", async () => {
    await publishTo(["7", "8"], "c");
    sender.script("7", { kind: "transient", reason: "500" }, { kind: "transient", reason: "timeout" });
    sender.script("8", ...Array.from({ length: 5 }, () => ({ kind: "transient" as const, reason: "502" })));
    await drain(dispatcher);
    const seven = sender.calls.filter((c) => c.chatId === "7");
    expect(seven).toHaveLength(3);
    // 1 s after the first failure, 2 s after the second.
    expect(seven[1]!.atMs - seven[0]!.atMs).toBeGreaterThanOrEqual(1_000);
    expect(seven[2]!.atMs - seven[1]!.atMs).toBeGreaterThanOrEqual(2_000);
    const rows = await f.prisma.delivery.findMany({ where: { chatId: { in: ["7", "8"] } }, orderBy: { chatId: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["sent", 3],
      ["failed", 3],
    ]);
    expect(rows[1]!.lastError).toContain("502");
    expect(sender.calls.filter((c) => c.chatId === "8")).toHaveLength(3);
  });

  it("fails a permanent error at once", async () => {
    await publishTo(["9"], "d");
    sender.script("9", { kind: "permanent", reason: "400 message is too long" });
    await drain(dispatcher);
    const row = await f.prisma.delivery.findFirstOrThrow({ where: { chatId: "9" } });
    expect([row.status, row.attempts, row.lastError]).toEqual(["failed", 1, "400 message is too long"]);
  });

  it("treats a throwing sender as transient", async () => {
    await publishTo(["10"], "e");
    const throwing = { ...sender, send: async () => Promise.reject(new Error("socket hang up")) };
    dispatcher = createDispatcher({ access: f.access, senders: [throwing], logger: silentLogger, clock: f.clock, sleep, maxAttempts: 5 });
    await dispatcher.runOnce();
    const row = await f.prisma.delivery.findFirstOrThrow({ where: { chatId: "10" } });
    expect([row.status, row.lastError]).toEqual(["pending", "socket hang up"]);
  });

  it("reclaims rows whose lease expired (a dispatcher died) but not live leases", async () => {
    await publishTo(["11", "12"], "f");
    const past = new Date(nowMs() - 1);
    const future = new Date(nowMs() + 60_000);
    await f.prisma.delivery.updateMany({ where: { chatId: "11" }, data: { status: "sending", leaseOwner: "dead", leaseUntil: past, attempts: 1 } });
    await f.prisma.delivery.updateMany({ where: { chatId: "12" }, data: { status: "sending", leaseOwner: "alive", leaseUntil: future, attempts: 1 } });
    expect(await dispatcher.runOnce()).toBe(1);
    expect(sender.calls.map((c) => c.chatId)).toEqual(["11"]);
    // A late outcome of the dead owner changes nothing: only the lease holder records.
    const twelve = await f.prisma.delivery.findFirstOrThrow({ where: { chatId: "12" } });
    expect([twelve.status, twelve.leaseOwner]).toEqual(["sending", "alive"]);
    f.clock.advance(60_001);
    expect(await dispatcher.runOnce()).toBe(1);
    expect(sender.calls.map((c) => c.chatId)).toEqual(["11", "12"]);
    const rows = await f.prisma.delivery.findMany({ where: { chatId: { in: ["11", "12"] } } });
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  it("keeps the overall, per-chat and per-group rates (Telegram's shape, ten times faster, real time)", async () => {
    // The real clock: waits overlap as they do in production. The rates are Telegram's times ten
    // (300/s overall, 10/s per chat, one message per 300 ms in a group) to keep the test short.
    const publisher = createOutboxPublisher({ access: f.access, clock: systemClock });
    const realSender = createScriptedSender("telegram", () => Date.now());
    const d = createDispatcher({
      access: f.access,
      senders: [realSender],
      logger: silentLogger,
      limits: {
        telegram: {
          perSecond: 300,
          perChat: (id) => (id.startsWith("-") ? { ratePerSecond: 200 / 60, burst: 1 } : { ratePerSecond: 10, burst: 1 }),
        },
      },
      concurrency: 8,
      deferAboveMs: 100,
    });
    const publish = (chatId: string, text: string) =>
      publisher.publish({ audience: { kind: "chat", channel: "telegram", chatId }, origin: text, title: text, content: textContent(text) });
    for (let i = 0; i < 90; i++) await publish(`${5000 + i}`, "many");
    for (let i = 0; i < 4; i++) await publish("-777", `group${i}`);
    for (let i = 0; i < 3; i++) await publish("4242", `private${i}`);
    const start = Date.now();
    const deadline = start + 20_000;
    while (realSender.delivered().length < 97 && Date.now() < deadline) {
      if ((await d.runOnce()) === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(realSender.delivered()).toHaveLength(97);
    const times = realSender.calls.map((c) => c.atMs).sort((a, b) => a - b);
    // In any 100 ms window at most 30 + the burst of 30.
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 100).length).toBeLessThanOrEqual(60);
    // 97 messages at 300/s after a burst of 30 take at least about 220 ms.
    expect(times.at(-1)! - start).toBeGreaterThanOrEqual(200);
    const gaps = (chatId: string) => {
      const at = realSender.calls.filter((c) => c.chatId === chatId).map((c) => c.atMs);
      return at.slice(1).map((t, i) => t - at[i]!);
    };
    // Timers may fire a millisecond early; allow 3 ms.
    expect(gaps("-777")).toHaveLength(3);
    for (const gap of gaps("-777")) expect(gap).toBeGreaterThanOrEqual(297);
    expect(gaps("4242")).toHaveLength(2);
    for (const gap of gaps("4242")) expect(gap).toBeGreaterThanOrEqual(97);
  });

  it("stays within Telegram's published limits in any window, with a margin", () => {
    // A bucket lets burst + rate·T through in a window T; that must stay below Telegram's count.
    const within = (rate: number, burst: number, windowS: number, limit: number) => burst + rate * windowS <= limit - 1;
    const normal = telegramLimits();
    expect(within(normal.perSecond, normal.burst!, 1, 30)).toBe(true);
    const paid = telegramLimits({ paidBroadcast: true });
    expect(within(paid.perSecond, paid.burst!, 1, 1000)).toBe(true);
    expect(paid.perSecond).toBeGreaterThan(900);
    const privateChat = normal.perChat!("12345")!;
    expect(privateChat.burst).toBe(1);
    expect(1 / privateChat.ratePerSecond).toBeGreaterThan(1);
    const group = normal.perChat!("-100123")!;
    expect(within(group.ratePerSecond, group.burst ?? 1, 60, 20)).toBe(true);
  });

  it("runs in the background after start() and stops cleanly", async () => {
    const real = createDispatcher({
      access: f.access,
      senders: [sender],
      logger: silentLogger,
      clock: f.clock, // the rows were published on the test clock; waiting is real here
      limits: { telegram: { perSecond: 10_000 } },
      idleMs: 20,
    });
    real.start();
    await publishTo(["20", "21", "22"], "h");
    real.wake();
    const deadline = Date.now() + 10_000;
    while (sender.calls.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await real.stop();
    expect(sender.calls.map((c) => c.chatId).sort()).toEqual(["20", "21", "22"]);
    expect(await f.prisma.delivery.count({ where: { status: { not: "sent" } } })).toBe(0);
  });

  it("never takes back its own rows whose lease ran out while they were queued, sent or unrecorded", async () => {
    // A machine so slow that every send outlasts the lease: the sender moves the test clock past it.
    const leaseMs = 1_000;
    const slow: typeof sender = {
      ...sender,
      async send(chatId, message, locale, key) {
        f.clock.advance(leaseMs + 1);
        return sender.send(chatId, message, locale, key);
      },
    };
    const real = createDispatcher({
      access: f.access,
      senders: [slow],
      logger: silentLogger,
      clock: f.clock,
      limits: { telegram: { perSecond: 10_000, burst: 10_000 } },
      concurrency: 1,
      leaseMs,
      // Sent rows stay unrecorded until the round ends: the window in which a claim could take them.
      flushSize: 50,
      flushMs: 600_000,
      idleMs: 20,
    });
    await publishTo(["30", "31", "32", "33", "34", "35"], "slow");
    real.start();
    const deadline = Date.now() + 20_000;
    while ((await f.prisma.delivery.count({ where: { status: "sent" } })) < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await real.stop();
    const chats = sender.calls.map((c) => c.chatId);
    expect(chats.sort()).toEqual(["30", "31", "32", "33", "34", "35"]);
    expect(await f.prisma.delivery.count({ where: { status: { not: "sent" } } })).toBe(0);
  });
});
