import { randomUUID } from "node:crypto";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../core/model/locale.js";
import { flattenChoices, type Choice, type OutboundMessage } from "../core/model/outbound-message.js";
import type { ChannelSender, SendOutcome } from "../core/ports/channel-sender.js";
import { systemClock, type Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import { Prisma } from "../storage/generated/prisma/client.js";
import { sqlTimestamp } from "../storage/outbox/publisher.js";
import type { PrismaAccess } from "../storage/prisma-access.js";
import { createConversationStore } from "../storage/stores/conversation-store.js";
import { defaultLimits, type ChannelLimits, type LimitsByChannel } from "./limits.js";
import { createKeyedLimiter, createTokenBucket, type KeyedLimiter, type TokenBucket } from "./rate-limiter.js";
import { createContentCache } from "./content-cache.js";

export interface DispatcherDeps {
  readonly access: PrismaAccess;
  readonly senders: readonly ChannelSender[];
  readonly logger: Logger;
  /** Rates per platform; missing platforms get `defaultLimits()`. */
  readonly limits?: LimitsByChannel;
  readonly clock?: Clock;
  /** How the dispatcher waits; tests pass one that moves their clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Sends in flight at once. Default: from the fastest platform's rate, one send per 25/s,
   * between 8 and 64 (8 at Telegram's 28/s, 38 with paid broadcasts).
   */
  readonly concurrency?: number | undefined;
  /** Rows claimed per round; default 4 × concurrency. */
  readonly batchSize?: number;
  /**
   * Sent rows recorded together in one UPDATE; default = concurrency. Together with `concurrency`
   * this bounds how many messages a crash can leave sent but not recorded (they are sent again).
   */
  readonly flushSize?: number;
  /** The longest a sent row waits for its batch to be recorded; default 100 ms. */
  readonly flushMs?: number;
  /** How long a claim is held; another dispatcher takes the row over after that. */
  readonly leaseMs?: number;
  readonly ownerId?: string;
  /** Attempts (claims that reached a send) before a row fails for good; default 8. */
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Poll interval when there is nothing to send; `wake()` cuts it short. */
  readonly idleMs?: number;
  /** A chat that must wait longer than this is put back instead of holding a sending slot. */
  readonly deferAboveMs?: number;
}

/**
 * Sends the outbox. It claims bounded batches of due rows with a lease (several dispatchers on one
 * PostgreSQL never claim the same row), the next batch while the current one is sent, sends them
 * through the platform's sender within its rate limits, and records the outcomes: sent rows
 * together in one UPDATE per `flushSize` rows or `flushMs`, retries and failures one by one.
 *
 * Crash window: a message is sent before its row is marked sent, so after a crash the rows sent
 * but not yet recorded are sent again. There are never more of them than
 * `concurrency + flushSize` (a send waits while that many are unrecorded).
 *
 * @example
 * const dispatcher = createDispatcher({ access, senders: [telegramSender], logger, limits: defaultLimits() });
 * dispatcher.start();
 * // … publisher.publish(…) followed by dispatcher.wake() …
 * await dispatcher.stop();
 */
export interface Dispatcher {
  start(): void;
  /** Finishes the sends in flight, puts unsent claimed rows back, and resolves when idle. */
  stop(): Promise<void>;
  /** Claims and processes one batch; returns how many rows it claimed. For tests and tools. */
  runOnce(): Promise<number>;
  /** Ends an idle wait early (e.g. right after a publish). */
  wake(): void;
  readonly ownerId: string;
}

interface ClaimedRow {
  id: number;
  broadcastId: number;
  channel: string;
  chatId: string;
  locale: string;
  attempts: number;
  /** When this dispatcher's lease runs out (its own clock); past it the row may be someone else's. */
  leaseUntilMs: number;
}

/** A sent row waiting for the batched UPDATE that records it. */
interface SentRow {
  readonly id: number;
  readonly sentAt: string;
  readonly messageId: string | null;
}

interface PlatformState {
  readonly sender: ChannelSender;
  readonly overall: TokenBucket;
  readonly chats: KeyedLimiter;
  pausedUntil: number;
}

const CONTENT_CACHE_SIZE = 64;
/** Pictures in cached contents (residents' photos are up to 5 MB each) stay below this in total. */
const CONTENT_CACHE_IMAGE_BYTES = 32 * 1024 * 1024;
const ERROR_TEXT_MAX = 500;

/** The key senders get for a delivery: stable across retries and processes (Matrix txn id). */
export const idempotencyKeyOf = (deliveryId: number): string => `mitreden-delivery-${deliveryId}`;

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limits = { ...defaultLimits(), ...deps.limits };
  const concurrency = Math.max(1, deps.concurrency ?? defaultConcurrency(deps.senders.map((s) => limits[s.channel]?.perSecond ?? 10)));
  const batchSize = Math.max(concurrency, deps.batchSize ?? concurrency * 4);
  const flushSize = Math.max(1, deps.flushSize ?? concurrency);
  const flushMs = deps.flushMs ?? 100;
  /** Sends started but not yet recorded may not exceed this (see the crash window above). */
  const maxUnrecorded = concurrency + flushSize;
  const leaseMs = deps.leaseMs ?? 60_000;
  const ownerId = deps.ownerId ?? `dispatcher-${randomUUID()}`;
  const maxAttempts = deps.maxAttempts ?? 8;
  const backoffBaseMs = deps.backoffBaseMs ?? 2_000;
  const backoffMaxMs = deps.backoffMaxMs ?? 15 * 60_000;
  const idleMs = deps.idleMs ?? 1_000;
  const deferAboveMs = deps.deferAboveMs ?? 1_000;
  const log = deps.logger.child({ component: "dispatcher", ownerId });
  const startMs = clock.now().getTime();

  const platforms = new Map<string, PlatformState>();
  for (const sender of deps.senders) {
    const channelLimits: ChannelLimits = limits[sender.channel] ?? { perSecond: 10 };
    const perChat = channelLimits.perChat;
    platforms.set(sender.channel, {
      sender,
      overall: createTokenBucket(
        { ratePerSecond: channelLimits.perSecond, burst: channelLimits.burst ?? Math.ceil(channelLimits.perSecond / 10) },
        startMs,
      ),
      chats: createKeyedLimiter((chatId) => perChat?.(chatId)),
      pausedUntil: 0,
    });
  }

  const conversations = createConversationStore(deps.access);
  const contentCache = createContentCache({ entries: CONTENT_CACHE_SIZE, imageBytes: CONTENT_CACHE_IMAGE_BYTES });
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wakeIdle: (() => void) | undefined;
  /** Sent rows not yet in a flush; `recording` rows are in the flush under way. */
  let unrecorded: SentRow[] = [];
  let recording = 0;
  /** Sends that passed the gate and whose outcome is not yet recorded or buffered. */
  let sending = 0;
  let flushing: Promise<void> = Promise.resolve();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let roomWaiters: (() => void)[] = [];
  /**
   * Rows this dispatcher claimed and has not finished with: queued, being sent, or sent and not yet
   * recorded. On a slow machine such a row's lease can run out; the claim must not take it again
   * from itself then, or the same message goes out twice.
   */
  const held = new Set<number>();
  /** Held rows that were sent and wait for the flush that records them. */
  const awaitingRecord = new Set<number>();
  const release = (ids: readonly number[]) => {
    for (const id of ids) {
      held.delete(id);
      awaitingRecord.delete(id);
    }
  };

  const nowMs = () => clock.now().getTime();
  const db = () => deps.access.client();

  async function claim(): Promise<ClaimedRow[]> {
    const now = nowMs();
    const channels = [...platforms].filter(([, p]) => p.pausedUntil <= now).map(([channel]) => channel);
    if (channels.length === 0) return [];
    const at = new Date(now);
    // One statement: the CTEs lock due rows other dispatchers have not locked (SKIP LOCKED), the
    // UPDATE leases at most a batch of them. Rows leased by a dispatcher that died are due again
    // once their lease has run out, and go first. Each arm walks its own (status, time) index and
    // stops after a batch; one OR over both, ordered by time and id, had to sort every pending row
    // on every claim, which made a 100,000-recipient publish slow down as it went.
    const leaseUntilMs = now + leaseMs;
    const rows = await db().$queryRaw<Omit<ClaimedRow, "leaseUntilMs">[]>`
      WITH expired AS (
        SELECT id FROM "Delivery"
        WHERE status = 'sending' AND "leaseUntil" < ${sqlTimestamp(at)} AND channel IN (${Prisma.join(channels)})
          ${held.size > 0 ? Prisma.sql`AND id NOT IN (${Prisma.join([...held])})` : Prisma.empty}
        ORDER BY "leaseUntil"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), due AS (
        SELECT id FROM "Delivery"
        WHERE status = 'pending' AND "nextAttemptAt" <= ${sqlTimestamp(at)} AND channel IN (${Prisma.join(channels)})
        ORDER BY "nextAttemptAt"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), picked AS (
        SELECT id FROM (SELECT id, 0 AS rank FROM expired UNION ALL SELECT id, 1 AS rank FROM due) candidates
        ORDER BY rank
        LIMIT ${batchSize}
      )
      UPDATE "Delivery" SET status = 'sending', "leaseOwner" = ${ownerId},
        "leaseUntil" = ${sqlTimestamp(new Date(leaseUntilMs))}, attempts = attempts + 1
      WHERE id IN (SELECT id FROM picked)
      RETURNING id, "broadcastId", channel, "chatId", locale, attempts`;
    for (const row of rows) held.add(row.id);
    return rows.map((row) => ({ ...row, leaseUntilMs }));
  }

  /** Only the current lease holder may record an outcome; a row taken over stays with its new owner. */
  const mine = (row: ClaimedRow) => ({ id: row.id, leaseOwner: ownerId, status: "sending" });

  /** Records every buffered sent row with one UPDATE; flushes run one after another. */
  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    flushing = flushing.then(recordSent);
    return flushing;
  }

  async function recordSent(): Promise<void> {
    if (unrecorded.length === 0) return;
    const batch = unrecorded;
    unrecorded = [];
    recording = batch.length;
    try {
      // The lease-owner guard as for single rows: a row another dispatcher took over stays its.
      await db().$executeRaw`
        UPDATE "Delivery" AS d SET status = 'sent', "sentAt" = v."sentAt", "leaseOwner" = NULL,
          "leaseUntil" = NULL, "lastError" = NULL, "messageId" = v."messageId"
        FROM jsonb_to_recordset(CAST(${JSON.stringify(batch)} AS jsonb)) AS v(id int, "sentAt" timestamp(3), "messageId" text)
        WHERE d.id = v.id AND d."leaseOwner" = ${ownerId} AND d.status = 'sending'`;
    } catch (error) {
      // Their leases run out and they are sent again: the same window as a crash.
      log.error({ err: error, rows: batch.length }, "recording sent deliveries failed");
    } finally {
      recording = 0;
      release(batch.map((row) => row.id));
      letWaitersIn();
    }
  }

  function bufferSent(row: ClaimedRow, atMs: number, messageId: string | undefined): void {
    awaitingRecord.add(row.id);
    unrecorded.push({ id: row.id, sentAt: new Date(atMs).toISOString(), messageId: messageId ?? null });
    if (unrecorded.length >= flushSize) void flush();
    else flushTimer ??= setTimeout(() => void flush(), flushMs);
  }

  function letWaitersIn(): void {
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Waits until a send may start without more than `maxUnrecorded` sends left unrecorded. */
  async function roomToSend(): Promise<void> {
    while (sending + unrecorded.length + recording >= maxUnrecorded) {
      if (unrecorded.length > 0) void flush();
      await new Promise<void>((resolve) => roomWaiters.push(resolve));
    }
  }

  /** Claimed rows that were not sent go back as due now, their claim not counted as an attempt. */
  async function putBackAll(rows: readonly ClaimedRow[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await db().$executeRaw`
        UPDATE "Delivery" SET status = 'pending', "nextAttemptAt" = ${sqlTimestamp(new Date(nowMs()))},
          "leaseOwner" = NULL, "leaseUntil" = NULL, attempts = attempts - 1
        WHERE id IN (${Prisma.join(rows.map((r) => r.id))}) AND "leaseOwner" = ${ownerId} AND status = 'sending'`;
    } finally {
      release(rows.map((r) => r.id));
    }
  }

  async function putBack(row: ClaimedRow, atMs: number, countAttempt: boolean, error?: string): Promise<void> {
    await db().delivery.updateMany({
      where: mine(row),
      data: {
        status: "pending",
        nextAttemptAt: new Date(atMs),
        leaseOwner: null,
        leaseUntil: null,
        ...(countAttempt ? {} : { attempts: { decrement: 1 } }),
        ...(error === undefined ? {} : { lastError: error.slice(0, ERROR_TEXT_MAX) }),
      },
    });
  }

  async function fail(row: ClaimedRow, reason: string): Promise<void> {
    await db().delivery.updateMany({
      where: mine(row),
      data: { status: "failed", leaseOwner: null, leaseUntil: null, lastError: reason.slice(0, ERROR_TEXT_MAX) },
    });
  }

  async function content(broadcastId: number, locale: string): Promise<OutboundMessage | undefined> {
    const key = `${broadcastId}:${locale}`;
    const cached = contentCache.get(key);
    if (cached) return cached;
    const row =
      (await db().broadcastContent.findUnique({ where: { broadcastId_locale: { broadcastId, locale } } })) ??
      (await db().broadcastContent.findUnique({ where: { broadcastId_locale: { broadcastId, locale: DEFAULT_LOCALE } } }));
    if (!row) return undefined;
    const message: OutboundMessage = {
      html: row.html,
      choices: parseChoices(row.choices),
      ...(row.image ? { image: { bytes: row.image, alt: row.alt ?? "" } } : {}),
    };
    contentCache.set(key, message);
    return message;
  }

  /**
   * Waits until both the platform and the chat may receive a message. Returns false when the row
   * was put back instead (platform paused, or the chat must wait longer than `deferAboveMs`). The
   * caller takes the tokens and calls the sender in one synchronous step (`takeSlot`), so no other
   * work can run between a token and its send.
   */
  async function slotReady(platform: PlatformState, row: ClaimedRow): Promise<boolean> {
    for (;;) {
      const now = nowMs();
      if (platform.pausedUntil > now) {
        await putBack(row, platform.pausedUntil, false);
        return false;
      }
      const chatWait = platform.chats.delay(row.chatId, now);
      if (chatWait > deferAboveMs) {
        await putBack(row, now + chatWait, false);
        return false;
      }
      const wait = Math.max(chatWait, platform.overall.delay(now));
      if (wait === 0) return true;
      await sleep(wait);
    }
  }

  /** Takes both tokens if they are free right now; false if another send took them meanwhile. */
  function takeSlot(platform: PlatformState, row: ClaimedRow, now: number): boolean {
    if (platform.pausedUntil > now || platform.chats.delay(row.chatId, now) > 0 || platform.overall.delay(now) > 0) return false;
    platform.overall.take(now);
    platform.chats.take(row.chatId, now);
    return true;
  }

  async function process(row: ClaimedRow): Promise<void> {
    const platform = platforms.get(row.channel);
    if (!platform) return putBack(row, nowMs() + idleMs, false);
    if (stopping) return putBack(row, nowMs(), false);
    // Loaded before any rate decision, so no database wait sits between taking a token and the send.
    const message = await content(row.broadcastId, row.locale);
    if (!message) return fail(row, "broadcast content missing");
    // Before the rate decision, so a token is never taken long before its send.
    await roomToSend();
    sending += 1;
    let outcome: SendOutcome;
    try {
      const locale: Locale = isLocale(row.locale) ? row.locale : DEFAULT_LOCALE;
      for (;;) {
        if (!(await slotReady(platform, row))) return;
        const now = nowMs();
        // A row that waited past its lease (a slow machine, a long queue) may have been claimed
        // again, here or elsewhere; sending it now could send it twice. Its new holder sends it.
        if (now >= row.leaseUntilMs) {
          log.warn({ deliveryId: row.id }, "lease ran out before the send; leaving the row to its next claim");
          return;
        }
        if (takeSlot(platform, row, now)) break;
      }
      try {
        outcome = await platform.sender.send(row.chatId, message, locale, idempotencyKeyOf(row.id));
      } catch (error) {
        // A sender should turn every failure into an outcome; a throw is treated as transient.
        log.warn({ err: error, deliveryId: row.id }, "sender threw; retrying later");
        outcome = { kind: "transient", reason: error instanceof Error ? error.message : String(error) };
      }
      await record(row, platform, outcome);
    } finally {
      sending -= 1;
      letWaitersIn();
    }
    if (outcome.kind === "sent" && platform.sender.numbersChoices) await rememberChoices(row, message);
  }

  /**
   * A numbered list shown by a delivery (a moderation card in a Matrix room) must be answerable by
   * its numbers like a reply's list; the core resolves "1" from the chat's last offered choices.
   */
  async function rememberChoices(row: ClaimedRow, message: OutboundMessage): Promise<void> {
    const choices = flattenChoices(message);
    if (choices.length === 0) return;
    // The key has the form of conversationKey(): "<channel>:<chat id>".
    await conversations.rememberChoices(`${row.channel}:${row.chatId}`, choices);
  }

  async function record(row: ClaimedRow, platform: PlatformState, outcome: SendOutcome): Promise<void> {
    const now = nowMs();
    switch (outcome.kind) {
      case "sent":
        // Recorded with others in one UPDATE (flush); the crash window stays bounded by roomToSend.
        bufferSent(row, now, outcome.messageId);
        return;
      case "retry-after": {
        const until = now + Math.max(0, outcome.ms);
        if (outcome.scope === "channel") {
          platform.pausedUntil = Math.max(platform.pausedUntil, until);
          platform.overall.pauseUntil(until);
          log.warn({ channel: row.channel, ms: outcome.ms }, "platform asked to wait; pausing all sends to it");
        } else {
          platform.chats.pauseUntil(row.chatId, until);
        }
        return putBack(row, until, false, `retry after ${outcome.ms} ms (${outcome.scope})`);
      }
      case "gone":
        return chatGone(row, outcome.reason);
      case "migrated":
        return chatMigrated(row, outcome.newChatId);
      case "transient":
        if (row.attempts >= maxAttempts) return fail(row, `gave up after ${row.attempts} attempts: ${outcome.reason}`);
        return putBack(row, now + backoff(row.attempts), true, outcome.reason);
      case "permanent":
        return fail(row, outcome.reason);
    }
  }

  const backoff = (attempts: number): number =>
    Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attempts - 1));

  /** Blocked, kicked or deleted: stop every subscription of that chat and its other pending rows. */
  async function chatGone(row: ClaimedRow, reason: string): Promise<void> {
    await deps.access.run(async () => {
      await fail(row, `chat gone: ${reason}`);
      await db().subscription.updateMany({
        where: { channel: row.channel, chatId: row.chatId, active: true },
        data: { active: false },
      });
      await db().delivery.updateMany({
        where: { channel: row.channel, chatId: row.chatId, status: "pending" },
        data: { status: "failed", lastError: `chat gone: ${reason}`.slice(0, ERROR_TEXT_MAX) },
      });
    });
    log.info({ channel: row.channel, chatId: row.chatId, reason }, "chat gone; its subscriptions are deactivated");
  }

  /** A group became a supergroup: its subscriptions and pending rows move to the new id. */
  async function chatMigrated(row: ClaimedRow, newChatId: string): Promise<void> {
    const { channel, chatId } = row;
    await deps.access.run(async () => {
      const tx = db();
      await tx.$executeRaw`
        DELETE FROM "Subscription" o WHERE o.channel = ${channel} AND o."chatId" = ${chatId}
          AND EXISTS (SELECT 1 FROM "Subscription" n
            WHERE n.channel = o.channel AND n."chatId" = ${newChatId} AND n.feed = o.feed AND n.scope = o.scope)`;
      await tx.subscription.updateMany({ where: { channel, chatId }, data: { chatId: newChatId } });
      // A broadcast that already has a row for the new chat keeps that one.
      await tx.$executeRaw`
        UPDATE "Delivery" o SET status = 'failed', "leaseOwner" = NULL, "leaseUntil" = NULL,
          "lastError" = ${`chat migrated to ${newChatId}; delivered there`}
        WHERE o.channel = ${channel} AND o."chatId" = ${chatId} AND o.status IN ('pending', 'sending')
          AND (o.status = 'pending' OR o.id = ${row.id})
          AND EXISTS (SELECT 1 FROM "Delivery" n
            WHERE n."broadcastId" = o."broadcastId" AND n.channel = o.channel AND n."chatId" = ${newChatId})`;
      await tx.delivery.updateMany({
        where: { channel, chatId, status: "pending" },
        data: { chatId: newChatId },
      });
      await tx.delivery.updateMany({
        where: mine(row),
        data: {
          chatId: newChatId,
          status: "pending",
          nextAttemptAt: new Date(nowMs()),
          leaseOwner: null,
          leaseUntil: null,
          attempts: { decrement: 1 },
          lastError: `migrated from ${chatId}`,
        },
      });
    });
    log.info({ channel, from: chatId, to: newChatId }, "chat migrated; subscriptions moved");
  }

  async function processSafely(row: ClaimedRow): Promise<void> {
    try {
      await process(row);
    } catch (error) {
      // A database hiccup while recording: the lease runs out and the row is retried.
      log.error({ err: error, deliveryId: row.id }, "processing a delivery failed");
    } finally {
      // A sent row stays held until its flush; every other outcome is recorded by now.
      if (!awaitingRecord.has(row.id)) release([row.id]);
    }
  }

  /**
   * Sends `rows` with `concurrency` workers. With `more`, the next batch is claimed while the
   * workers still have up to `concurrency` rows left, so they never wait for a claim; this goes on
   * until a claim comes back empty. Returns how many rows were claimed in all.
   */
  async function drain(rows: readonly ClaimedRow[], more?: () => Promise<ClaimedRow[]>): Promise<number> {
    const queue = [...rows];
    let total = rows.length;
    let exhausted = more === undefined;
    let claiming: Promise<void> | undefined;
    const refill = (): void => {
      if (claiming || exhausted || !more) return;
      claiming = more()
        .then(
          (next) => {
            total += next.length;
            if (next.length === 0) exhausted = true;
            for (const row of next) queue.push(row);
            const now = nowMs();
            for (const platform of platforms.values()) platform.chats.prune(now);
          },
          (error: unknown) => {
            exhausted = true;
            log.error({ err: error }, "claiming deliveries failed");
          },
        )
        .finally(() => {
          claiming = undefined;
        });
    };
    const worker = async (): Promise<void> => {
      while (!stopping) {
        if (running && queue.length <= concurrency) refill();
        const row = queue.shift();
        if (row) await processSafely(row);
        else if (claiming) await claiming;
        else return;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (claiming) await claiming;
    // Stopping: what was claimed but not sent goes back at once instead of waiting for its lease.
    await putBackAll(queue.splice(0)).catch((error: unknown) => log.error({ err: error }, "putting back claimed deliveries failed"));
    return total;
  }

  async function runOnce(): Promise<number> {
    const rows = await claim();
    if (rows.length === 0) return 0;
    const claimed = await drain(rows);
    await flush();
    const now = nowMs();
    for (const platform of platforms.values()) platform.chats.prune(now);
    return claimed;
  }

  async function idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeIdle = undefined;
        resolve();
      }
      wakeIdle = done;
    });
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        const rows = await claim();
        if (rows.length > 0) claimed = await drain(rows, claim);
      } catch (error) {
        log.error({ err: error }, "claiming deliveries failed");
      }
      await flush();
      const now = nowMs();
      for (const platform of platforms.values()) platform.chats.prune(now);
      if (claimed === 0 && running) {
        const now = nowMs();
        const pauses = [...platforms.values()].map((p) => p.pausedUntil - now).filter((ms) => ms > 0);
        await idle(Math.min(idleMs, ...pauses));
      }
    }
  }

  return {
    ownerId,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      loop = run();
      log.info({ channels: [...platforms.keys()], concurrency, batchSize }, "dispatcher started");
    },
    async stop() {
      running = false;
      stopping = true;
      wakeIdle?.();
      await loop;
      loop = undefined;
      stopping = false;
      log.info({}, "dispatcher stopped");
    },
    runOnce,
    wake: () => wakeIdle?.(),
  };
}

/**
 * Sends in flight when none is configured: about one per 25 messages/s the fastest platform
 * allows (a loopback send takes a few ms, a real one tens of ms), at least 8, at most 64.
 */
export function defaultConcurrency(perSecondByPlatform: readonly number[]): number {
  const fastest = Math.max(0, ...perSecondByPlatform);
  return Math.min(64, Math.max(8, Math.ceil(fastest / 25)));
}

function parseChoices(value: Prisma.JsonValue): (readonly Choice[])[] {
  if (!Array.isArray(value)) return [];
  return value.map((row) =>
    Array.isArray(row)
      ? row.flatMap((c): Choice[] =>
          c && typeof c === "object" && !Array.isArray(c) && typeof c.label === "string" && typeof c.action === "string"
            ? [{ label: c.label, action: c.action }]
            : [],
        )
      : [],
  );
}
