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

export interface DispatcherDeps {
  readonly access: PrismaAccess;
  readonly senders: readonly ChannelSender[];
  readonly logger: Logger;
  /** Rates per platform; missing platforms get `defaultLimits()`. */
  readonly limits?: LimitsByChannel;
  readonly clock?: Clock;
  /** How the dispatcher waits; tests pass one that moves their clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Sends in flight at once; this also bounds how many messages a crash can leave in doubt. */
  readonly concurrency?: number;
  /** Rows claimed per round; default 4 × concurrency. */
  readonly batchSize?: number;
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
 * Sends the outbox. Each round claims a bounded batch of due rows with a lease (several
 * dispatchers on one PostgreSQL never claim the same row), sends them through the platform's
 * sender within its rate limits, and records each outcome as soon as it is known.
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
}

interface PlatformState {
  readonly sender: ChannelSender;
  readonly overall: TokenBucket;
  readonly chats: KeyedLimiter;
  pausedUntil: number;
}

const CONTENT_CACHE_SIZE = 64;
const ERROR_TEXT_MAX = 500;

/** The key senders get for a delivery: stable across retries and processes (Matrix txn id). */
export const idempotencyKeyOf = (deliveryId: number): string => `mitreden-delivery-${deliveryId}`;

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  const batchSize = Math.max(concurrency, deps.batchSize ?? concurrency * 4);
  const leaseMs = deps.leaseMs ?? 60_000;
  const ownerId = deps.ownerId ?? `dispatcher-${randomUUID()}`;
  const maxAttempts = deps.maxAttempts ?? 8;
  const backoffBaseMs = deps.backoffBaseMs ?? 2_000;
  const backoffMaxMs = deps.backoffMaxMs ?? 15 * 60_000;
  const idleMs = deps.idleMs ?? 1_000;
  const deferAboveMs = deps.deferAboveMs ?? 1_000;
  const log = deps.logger.child({ component: "dispatcher", ownerId });
  const limits = { ...defaultLimits(), ...deps.limits };
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
  const contentCache = new Map<string, OutboundMessage>();
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wakeIdle: (() => void) | undefined;

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
    return db().$queryRaw<ClaimedRow[]>`
      WITH expired AS (
        SELECT id FROM "Delivery"
        WHERE status = 'sending' AND "leaseUntil" < ${sqlTimestamp(at)} AND channel IN (${Prisma.join(channels)})
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
        "leaseUntil" = ${sqlTimestamp(new Date(now + leaseMs))}, attempts = attempts + 1
      WHERE id IN (SELECT id FROM picked)
      RETURNING id, "broadcastId", channel, "chatId", locale, attempts`;
  }

  /** Only the current lease holder may record an outcome; a row taken over stays with its new owner. */
  const mine = (row: ClaimedRow) => ({ id: row.id, leaseOwner: ownerId, status: "sending" });

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
    // Bounded: a long-running process sees many publishes, but only a few are in flight at once.
    if (contentCache.size >= 256) contentCache.clear();
    const row =
      (await db().broadcastContent.findUnique({ where: { broadcastId_locale: { broadcastId, locale } } })) ??
      (await db().broadcastContent.findUnique({ where: { broadcastId_locale: { broadcastId, locale: DEFAULT_LOCALE } } }));
    if (!row) return undefined;
    const message: OutboundMessage = {
      html: row.html,
      choices: parseChoices(row.choices),
      ...(row.image ? { image: { png: row.image, alt: row.alt ?? "" } } : {}),
    };
    contentCache.set(key, message);
    if (contentCache.size > CONTENT_CACHE_SIZE) contentCache.delete(contentCache.keys().next().value as string);
    return message;
  }

  /**
   * Waits until both the platform and the chat may receive a message and takes both tokens in the
   * same synchronous step right before the send. Returns false when the row was put back instead
   * (platform paused, or the chat must wait longer than `deferAboveMs`).
   */
  async function acquireSlot(platform: PlatformState, row: ClaimedRow): Promise<boolean> {
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
      if (wait === 0) {
        platform.overall.take(now);
        platform.chats.take(row.chatId, now);
        return true;
      }
      await sleep(wait);
    }
  }

  async function process(row: ClaimedRow): Promise<void> {
    const platform = platforms.get(row.channel);
    if (!platform) return putBack(row, nowMs() + idleMs, false);
    if (stopping) return putBack(row, nowMs(), false);
    // Loaded before any rate decision, so no database wait sits between taking a token and the send.
    const message = await content(row.broadcastId, row.locale);
    if (!message) return fail(row, "broadcast content missing");
    if (!(await acquireSlot(platform, row))) return;
    const locale: Locale = isLocale(row.locale) ? row.locale : DEFAULT_LOCALE;
    let outcome: SendOutcome;
    try {
      outcome = await platform.sender.send(row.chatId, message, locale, idempotencyKeyOf(row.id));
    } catch (error) {
      // A sender should turn every failure into an outcome; a throw is treated as transient.
      log.warn({ err: error, deliveryId: row.id }, "sender threw; retrying later");
      outcome = { kind: "transient", reason: error instanceof Error ? error.message : String(error) };
    }
    await record(row, platform, outcome);
    if (outcome.kind === "sent" && platform.sender.numbersChoices) await rememberChoices(row, message);
  }

  /**
   * A numbered list shown by a delivery (a moderation card in a Matrix room) must be answerable by
   * its numbers like a reply's list; the core resolves "1" from the chat's last offered choices.
   */
  async function rememberChoices(row: ClaimedRow, message: OutboundMessage): Promise<void> {
    const actions = flattenChoices(message).map((c) => c.action);
    if (actions.length === 0) return;
    // The key has the form of conversationKey(): "<channel>:<chat id>".
    await conversations.rememberChoices(`${row.channel}:${row.chatId}`, actions);
  }

  async function record(row: ClaimedRow, platform: PlatformState, outcome: SendOutcome): Promise<void> {
    const now = nowMs();
    switch (outcome.kind) {
      case "sent":
        await db().delivery.updateMany({
          where: mine(row),
          data: {
            status: "sent",
            sentAt: new Date(now),
            leaseOwner: null,
            leaseUntil: null,
            lastError: null,
            messageId: outcome.messageId ?? null,
          },
        });
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

  async function runOnce(): Promise<number> {
    const rows = await claim();
    if (rows.length === 0) return 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++]!;
        try {
          await process(row);
        } catch (error) {
          // A database hiccup while recording: the lease runs out and the row is retried.
          log.error({ err: error, deliveryId: row.id }, "processing a delivery failed");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    const now = nowMs();
    for (const platform of platforms.values()) platform.chats.prune(now);
    return rows.length;
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
        claimed = await runOnce();
      } catch (error) {
        log.error({ err: error }, "claiming deliveries failed");
      }
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
