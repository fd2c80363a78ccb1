/**
 * The outbox dispatcher with the REAL Telegram sender (grammY over HTTP) against the loopback Bot
 * API server, with the faults Telegram produces: flood control, blocked bots, upgraded groups,
 * server errors, dropped connections and slow answers — and Telegram's limits enforced, to show the
 * default dispatcher limits provoke no 429 at all.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCallbackCodec } from "../../src/channels/telegram/callback-codec.js";
import { createTelegramApi, createTelegramSender } from "../../src/channels/telegram/telegram-sender.js";
import type { ChannelSender, SendOutcome } from "../../src/core/ports/channel-sender.js";
import { systemClock } from "../../src/core/ports/clock.js";
import type { Publisher } from "../../src/core/ports/publisher.js";
import { createDispatcher, type Dispatcher, type DispatcherDeps } from "../../src/delivery/dispatcher.js";
import { defaultLimits } from "../../src/delivery/limits.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { silentLogger } from "../support/silent-logger.js";
import { createBotApiServer, type BotApiServer } from "../support/telegram/bot-api-server.js";
import { createOutboxFixture, type OutboxFixture } from "./outbox-fixture.js";

let f: OutboxFixture;
/** Real time here: the server and grammY live in it, and retry_after is in whole seconds. */
let publisher: Publisher;
const codec = createCallbackCodec({ secret: "telegram-faults-test-secret" });

beforeAll(async () => {
  f = await createOutboxFixture();
  publisher = createOutboxPublisher({ access: f.access, clock: systemClock });
});
afterAll(async () => f.dispose());

interface SendRecord {
  readonly chatId: string;
  readonly startedAt: number;
  endedAt?: number;
  outcome?: SendOutcome["kind"];
}

/** Notes when the dispatcher starts each send and when it learns the outcome; sending stays real. */
function recording(sender: ChannelSender, log: SendRecord[]): ChannelSender {
  return {
    channel: sender.channel,
    async send(chatId, message, locale, key) {
      const record: SendRecord = { chatId, startedAt: Date.now() };
      log.push(record);
      const outcome = await sender.send(chatId, message, locale, key);
      record.endedAt = Date.now();
      record.outcome = outcome.kind;
      return outcome;
    },
  };
}

function dispatcherFor(server: BotApiServer, options: Partial<DispatcherDeps> = {}, log?: SendRecord[]): Dispatcher {
  const real = createTelegramSender({ api: createTelegramApi({ token: server.token, apiRoot: server.url }), codec, logger: silentLogger });
  return createDispatcher({
    access: f.access,
    senders: [log ? recording(real, log) : real],
    logger: silentLogger,
    // Fast enough for a test; the fault behaviour does not depend on the rate.
    limits: { telegram: { perSecond: 500, burst: 50 } },
    concurrency: 4,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    idleMs: 20,
    maxAttempts: 6,
    ...options,
  });
}

/** Runs the dispatcher until no row is pending or being sent (bounded). */
async function deliverAll(dispatcher: Dispatcher, timeoutMs = 20_000): Promise<void> {
  dispatcher.start();
  const until = Date.now() + timeoutMs;
  try {
    while (Date.now() < until) {
      const open = await f.prisma.delivery.count({ where: { status: { in: ["pending", "sending"] } } });
      if (open === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("the outbox did not drain in time");
  } finally {
    await dispatcher.stop();
  }
}

async function subscribeAll(chatIds: readonly number[]): Promise<void> {
  for (const id of chatIds) await f.subscribe(String(id), "news");
}

const publishNews = (text: string) =>
  publisher.publish({ audience: { kind: "feed", feed: "news", areaId: null }, origin: `test:${text}`, title: text, content: () => ({ html: text }) });

/** How many messages with exactly this text each chat received. */
function receivedPerChat(server: BotApiServer, chatIds: readonly number[], text: string): number[] {
  return chatIds.map((id) => server.sentMessages(id).filter((m) => m.text === text).length);
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

beforeEach(async () => {
  await f.prisma.delivery.deleteMany();
  await f.prisma.broadcast.deleteMany();
  await f.prisma.subscription.deleteMany();
});

describe("Telegram faults through the real sender", () => {
  let server: BotApiServer;
  beforeAll(async () => {
    server = createBotApiServer();
    await server.start();
  });
  afterEach(() => {
    server.faults.clear();
    server.clearRecords();
  });
  afterAll(async () => server.stop());

  it("429 retry_after pauses every Telegram send, then everything arrives once", async () => {
    const chats = range(7001, 12);
    await subscribeAll(chats);
    // 8 sends per second so the 429 lands in the middle of the publish, not at its end.
    const log: SendRecord[] = [];
    const dispatcher = dispatcherFor(server, { limits: { telegram: { perSecond: 8, burst: 1 } } }, log);
    const flood = server.faults.tooManyRequests(1, { method: "sendMessage", chatId: chats[3]! });
    await publishNews("Hochwasserwarnung");
    await deliverAll(dispatcher);

    expect(flood.hits).toBe(1);
    expect(receivedPerChat(server, chats, "Hochwasserwarnung")).toEqual(chats.map(() => 1));
    // From the moment the dispatcher learns of the 429, no send to any chat starts for a second.
    const learned = log.find((r) => r.outcome === "retry-after")!;
    expect(learned.chatId).toBe(String(chats[3]));
    const duringPause = log.filter((r) => r.startedAt > learned.endedAt! + 10 && r.startedAt < learned.endedAt! + 990);
    expect(duringPause).toEqual([]);
    // The publish was not over yet: sends resumed after the pause.
    expect(log.filter((r) => r.startedAt >= learned.endedAt! + 990).length).toBeGreaterThan(1);
    const calls = server.calls("sendMessage");
    const retried = calls.filter((c) => String(c.params["chat_id"]) === String(chats[3]));
    expect(retried.map((c) => c.status)).toEqual([429, 200]);
    expect(retried[1]!.at - retried[0]!.at).toBeGreaterThanOrEqual(990);
    expect(server.internalErrors()).toEqual([]);
  });

  it("403 blocked deactivates that subscription and fails its row; the others arrive", async () => {
    const chats = [7101, 7102, 7103];
    await subscribeAll(chats);
    server.faults.blockedByUser(7102);
    await publishNews("Sperrmüll");
    await deliverAll(dispatcherFor(server));

    expect(receivedPerChat(server, chats, "Sperrmüll")).toEqual([1, 0, 1]);
    const blocked = await f.prisma.delivery.findFirstOrThrow({ where: { chatId: "7102" } });
    expect(blocked).toMatchObject({ status: "failed", attempts: 1 });
    expect(blocked.lastError).toContain("bot was blocked by the user");
    const subs = await f.prisma.subscription.findMany({ orderBy: { chatId: "asc" } });
    expect(subs.map((s) => [s.chatId, s.active])).toEqual([["7101", true], ["7102", false], ["7103", true]]);
  });

  it("400 migrate_to_chat_id moves the subscription to the supergroup and delivers there", async () => {
    await subscribeAll([-7201, 7202]);
    server.faults.migratedToSupergroup(-7201, -1007201);
    await publishNews("Dorffest");
    await deliverAll(dispatcherFor(server));

    expect(server.sentMessages(-7201)).toEqual([]);
    expect(server.sentMessages(-1007201).map((m) => m.text)).toEqual(["Dorffest"]);
    expect(receivedPerChat(server, [7202], "Dorffest")).toEqual([1]);
    const sub = await f.prisma.subscription.findFirstOrThrow({ where: { chatId: { in: ["-7201", "-1007201"] } } });
    expect(sub).toMatchObject({ chatId: "-1007201", active: true });
    expect(await f.prisma.delivery.findFirstOrThrow({ where: { chatId: "-1007201" } })).toMatchObject({ status: "sent" });

    // The next publish goes to the new id directly.
    server.clearRecords();
    await publishNews("Dorffest, Teil 2");
    await deliverAll(dispatcherFor(server));
    expect(server.calls("sendMessage").map((c) => String(c.params["chat_id"])).sort()).toEqual(["-1007201", "7202"]);
  });

  it("500s and dropped connections are retried with backoff and delivered once", async () => {
    const chats = [7301, 7302, 7303, 7304];
    await subscribeAll(chats);
    server.faults.serverError({ method: "sendMessage", chatId: 7301, times: 2 });
    server.faults.dropConnection({ method: "sendMessage", chatId: 7302, times: 2 });
    await publishNews("Straßensperrung");
    await deliverAll(dispatcherFor(server));

    expect(receivedPerChat(server, chats, "Straßensperrung")).toEqual([1, 1, 1, 1]);
    const rows = await f.prisma.delivery.findMany({ orderBy: { chatId: "asc" } });
    expect(rows.map((r) => [r.chatId, r.status, r.attempts])).toEqual([
      ["7301", "sent", 3],
      ["7302", "sent", 3],
      ["7303", "sent", 1],
      ["7304", "sent", 1],
    ]);
    // Backoff: the second retry waits longer than the first (20 ms, then 40 ms).
    const at = server.calls("sendMessage").filter((c) => String(c.params["chat_id"]) === "7301").map((c) => c.at);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(20);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(40);
  });

  it("slow answers still deliver everything exactly once", async () => {
    const chats = range(7401, 10);
    await subscribeAll(chats);
    server.faults.delay(400, { method: "sendMessage" });
    await publishNews("Langsam, aber sicher");
    await deliverAll(dispatcherFor(server));

    expect(receivedPerChat(server, chats, "Langsam, aber sicher")).toEqual(chats.map(() => 1));
    expect(server.calls("sendMessage")).toHaveLength(10);
  });
});

describe("Telegram's limits enforced by the server", () => {
  let server: BotApiServer;
  beforeAll(async () => {
    server = createBotApiServer({ limits: true, recordCalls: true });
    await server.start();
  });
  afterAll(async () => server.stop());

  it("a publish to 40 chats including groups provokes no 429 with the default limits", async () => {
    const privateChats = range(7501, 30);
    const groups = range(7601, 10).map((id) => -id);
    const chats = [...privateChats, ...groups];
    await subscribeAll(chats);
    const dispatcher = dispatcherFor(server, { limits: defaultLimits(), concurrency: 8 });
    await publishNews("Wahlaufruf");
    // A second publish right away: every chat gets a second message, within its own limit.
    await publishNews("Wahlaufruf, Erinnerung");
    await deliverAll(dispatcher, 30_000);

    expect(receivedPerChat(server, chats, "Wahlaufruf")).toEqual(chats.map(() => 1));
    expect(receivedPerChat(server, chats, "Wahlaufruf, Erinnerung")).toEqual(chats.map(() => 1));
    const stats = server.stats();
    expect(stats.tooManyRequests).toBe(0);
    expect(stats.rateLimited).toBe(0);
    expect(stats.messagesSent).toBe(80);
  }, 180_000);
});
