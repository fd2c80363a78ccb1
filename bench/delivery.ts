/**
 * Benchmark 3: one publish to many Telegram chats through the outbox: subscriptions made with one
 * SQL statement, one publish (the publisher selects the recipients in SQL), then the dispatcher
 * with the real Telegram sender against the loopback Bot API server.
 *
 * - limits off: the server enforces nothing and the dispatcher's limiter is opened wide, so the
 *   number is what the outbox, dispatcher and sender can push (target ≥ 1,000/s).
 * - default limits: the dispatcher's defaultLimits() (Telegram ~30/s, 1/s per chat) against a
 *   server enforcing Telegram's limits; at 30/s a 100,000-chat publish would take ~55 minutes,
 *   so this variant sends to a smaller number of chats.
 *
 * Everything runs in this one process (PGlite in a temporary folder, dispatcher, Bot API server),
 * so the peak RSS is an upper bound for the bot alone.
 */
import { createTelegramApi, createCallbackCodec, createTelegramSender, deriveCallbackSecret } from "../src/channels/telegram/index.js";
import { systemClock } from "../src/core/ports/clock.js";
import { createDispatcher } from "../src/delivery/dispatcher.js";
import { defaultLimits, type LimitsByChannel } from "../src/delivery/limits.js";
import { createOutboxPublisher } from "../src/storage/outbox/publisher.js";
import { createPrismaAccess } from "../src/storage/prisma-access.js";
import { createBotApiServer } from "../test/support/telegram/bot-api-server.js";
import { benchLogger } from "./conversation-throughput.js";
import { openBenchDatabase, type BenchDatabaseKind } from "./lib/bench-database.js";
import { ratePerSecond, ratio, round, rssMb, sampleRss, type MemoryAtPeak } from "./lib/stats.js";

export interface DeliveryOptions {
  readonly recipients: number;
  readonly limitedRecipients: number;
  readonly postgresUrl: string;
  readonly database?: BenchDatabaseKind;
  /** Dispatcher sends in flight (default: the dispatcher's own default). */
  readonly concurrency?: number;
}

export interface DeliveryUnlimited {
  readonly recipients: number;
  readonly createSubscriptionsMs: number;
  readonly publishMs: number;
  readonly sendMs: number;
  readonly messagesPerSecond: number;
  readonly peakRssMb: number;
  readonly memory: DeliveryMemory;
  readonly delivered: number;
  readonly tooManyRequests: number;
}

/** Where the RSS comes from: before the run, with database and server open, after the publish, at the peak. */
export interface DeliveryMemory {
  readonly beforeMb: number;
  readonly openedMb: number;
  readonly afterPublishMb: number;
  readonly atPeak: MemoryAtPeak;
}

export interface DeliveryLimited {
  readonly recipients: number;
  readonly configuredPerSecond: number;
  readonly achievedPerSecond: number;
  /** achieved / configured (target 0.95–1.0). */
  readonly share: number;
  readonly sendMs: number;
  readonly delivered: number;
  readonly tooManyRequests: number;
}

export type DeliveryResult =
  | { readonly status: "measured"; readonly database: BenchDatabaseKind; readonly unlimited: DeliveryUnlimited; readonly limited: DeliveryLimited }
  | { readonly status: "not-measured"; readonly reason: string };

interface PublishRun {
  readonly createSubscriptionsMs: number;
  readonly publishMs: number;
  readonly sendMs: number;
  readonly delivered: number;
  readonly tooManyRequests: number;
  readonly peakRssMb: number;
  readonly memory: DeliveryMemory;
}

async function publishOnce(
  recipients: number,
  limits: LimitsByChannel,
  serverLimits: boolean,
  options: DeliveryOptions,
): Promise<PublishRun> {
  const beforeMb = rssMb();
  const rss = sampleRss();
  const db = await openBenchDatabase({ kind: options.database ?? "pglite", postgresUrl: options.postgresUrl });
  const server = createBotApiServer({ recordMessages: false, recordCalls: false, limits: serverLimits });
  await server.start();
  try {
    const openedMb = rssMb();
    const t0 = performance.now();
    await db.rawQuery(
      `INSERT INTO "Subscription" (channel, "chatId", feed, scope, locale, active, "createdBy", "updatedAt")
       SELECT 'telegram', (1000000000 + i)::text, 'news', '*', CASE WHEN i % 7 = 0 THEN 'en' ELSE 'de' END, true, 'bench', now()
       FROM generate_series(1, $1::int) AS i`,
      [recipients],
    );
    const createSubscriptionsMs = performance.now() - t0;
    const access = createPrismaAccess(db.prisma);
    const publisher = createOutboxPublisher({ access, clock: systemClock });
    const t1 = performance.now();
    const receipt = await publisher.publish({
      audience: { kind: "feed", feed: "news", areaId: null },
      origin: "bench:news",
      title: "Benchmark",
      content: (locale) => ({
        html:
          locale === "de"
            ? "<b>Neuigkeiten aus der Samtgemeinde</b>\nDie Sprechstunde im Rathaus fällt am Freitag aus."
            : "<b>News from the municipality</b>\nThe town hall office hours on Friday are cancelled.",
      }),
    });
    const publishMs = performance.now() - t1;
    if (receipt.recipients !== recipients) throw new Error(`publish reached ${receipt.recipients} of ${recipients} chats`);
    const afterPublishMb = rssMb();
    const sender = createTelegramSender({
      api: createTelegramApi({ token: server.token, apiRoot: server.url }),
      codec: createCallbackCodec({ secret: deriveCallbackSecret(server.token) }),
      logger: benchLogger,
    });
    const dispatcher = createDispatcher({
      access,
      senders: [sender],
      logger: benchLogger,
      limits,
      idleMs: 50,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    const t2 = performance.now();
    dispatcher.start();
    dispatcher.wake();
    // Generous: at 30/s plus start-up; a stuck dispatcher fails the run instead of hanging it.
    const deadline = Date.now() + 60_000 + (recipients / 20) * 1000;
    while (server.stats().messagesSent < recipients) {
      if (Date.now() > deadline) throw new Error(`dispatcher sent ${server.stats().messagesSent} of ${recipients} before the deadline`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sendMs = performance.now() - t2;
    await dispatcher.stop();
    const stats = server.stats();
    return {
      createSubscriptionsMs: round(createSubscriptionsMs, 0),
      publishMs: round(publishMs, 0),
      sendMs: round(sendMs, 0),
      delivered: stats.messagesSent,
      tooManyRequests: stats.tooManyRequests,
      peakRssMb: rss.stop(),
      memory: { beforeMb, openedMb, afterPublishMb, atPeak: rss.peakBreakdown() },
    };
  } finally {
    rss.stop();
    await server.stop();
    await db.close();
  }
}

export async function runDelivery(options: DeliveryOptions): Promise<DeliveryResult> {
  const wide: LimitsByChannel = { telegram: { perSecond: 1_000_000, burst: 1_000_000 } };
  const unlimited = await publishOnce(options.recipients, wide, false, options);
  const limits = defaultLimits();
  const configuredPerSecond = limits.telegram?.perSecond ?? Number.NaN;
  const limited = await publishOnce(options.limitedRecipients, limits, true, options);
  const achievedPerSecond = ratePerSecond(limited.delivered, limited.sendMs);
  return {
    status: "measured",
    database: options.database ?? "pglite",
    unlimited: {
      recipients: options.recipients,
      createSubscriptionsMs: unlimited.createSubscriptionsMs,
      publishMs: unlimited.publishMs,
      sendMs: unlimited.sendMs,
      messagesPerSecond: ratePerSecond(unlimited.delivered, unlimited.sendMs),
      peakRssMb: unlimited.peakRssMb,
      memory: unlimited.memory,
      delivered: unlimited.delivered,
      tooManyRequests: unlimited.tooManyRequests,
    },
    limited: {
      recipients: options.limitedRecipients,
      configuredPerSecond,
      achievedPerSecond,
      share: ratio(achievedPerSecond, configuredPerSecond),
      sendMs: limited.sendMs,
      delivered: limited.delivered,
      tooManyRequests: limited.tooManyRequests,
    },
  };
}
