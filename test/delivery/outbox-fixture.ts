import type { ChannelKind } from "../../src/core/model/inbound-event.js";
import type { OutboundMessage } from "../../src/core/model/outbound-message.js";
import type { ChannelSender, SendOutcome } from "../../src/core/ports/channel-sender.js";
import type { Publisher } from "../../src/core/ports/publisher.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { createPrismaAccess, type PrismaAccess } from "../../src/storage/prisma-access.js";
import { seedExampleIfEmpty } from "../../src/storage/seed-example.js";
import type { PrismaClient } from "../../src/storage/generated/prisma/client.js";
import { createTestClock } from "../support/core-harness.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

export interface SentRecord {
  readonly chatId: string;
  readonly html: string;
  readonly key: string;
  readonly atMs: number;
}

/**
 * An in-process ChannelSender whose outcomes a test scripts per call; unscripted calls succeed.
 * It records every send it was asked to make, with the test clock's time.
 */
export interface ScriptedSender extends ChannelSender {
  readonly calls: SentRecord[];
  /** Outcome for the next send to `chatId` (queue per chat), or for any chat with "*". */
  script(chatId: string, ...outcomes: SendOutcome[]): void;
  delivered(): SentRecord[];
}

export function createScriptedSender(
  channel: ChannelKind,
  nowMs: () => number,
  options: { delayMs?: number } = {},
): ScriptedSender {
  const queues = new Map<string, SendOutcome[]>();
  const calls: SentRecord[] = [];
  const outcomesOf = new Map<SentRecord, SendOutcome>();
  return {
    channel,
    calls,
    script(chatId, ...outcomes) {
      queues.set(chatId, [...(queues.get(chatId) ?? []), ...outcomes]);
    },
    async send(chatId: string, message: OutboundMessage, _locale, key: string): Promise<SendOutcome> {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const record = { chatId, html: message.html, key, atMs: nowMs() };
      calls.push(record);
      const outcome = queues.get(chatId)?.shift() ?? queues.get("*")?.shift() ?? { kind: "sent", messageId: `m${calls.length}` };
      outcomesOf.set(record, outcome);
      return outcome;
    },
    delivered: () => calls.filter((c) => outcomesOf.get(c)?.kind === "sent"),
  };
}

export interface OutboxFixture {
  readonly testDb: TestDatabase;
  readonly prisma: PrismaClient;
  readonly access: PrismaAccess;
  readonly publisher: Publisher;
  readonly clock: ReturnType<typeof createTestClock>;
  /** Area id by slug of the seeded example municipality. */
  area(slug: string): Promise<number>;
  /** Inserts a subscription directly. */
  subscribe(chatId: string, feed: string, areaId?: number | null, extra?: { active?: boolean; locale?: string; channel?: string; initiativeId?: number }): Promise<number>;
  dispose(): Promise<void>;
}

export async function createOutboxFixture(): Promise<OutboxFixture> {
  const testDb = await createTestDatabase();
  const prisma = testDb.db.prisma;
  await seedExampleIfEmpty(prisma);
  const access = createPrismaAccess(prisma);
  const clock = createTestClock();
  const publisher = createOutboxPublisher({ access, clock });
  return {
    testDb,
    prisma,
    access,
    publisher,
    clock,
    area: async (slug) => (await prisma.area.findUniqueOrThrow({ where: { slug } })).id,
    async subscribe(chatId, feed, areaId = null, extra = {}) {
      const initiativeId = extra.initiativeId ?? null;
      const scope = initiativeId !== null ? `initiative:${initiativeId}` : areaId !== null ? `area:${areaId}` : "*";
      const row = await prisma.subscription.create({
        data: {
          channel: extra.channel ?? "telegram",
          chatId,
          feed,
          scope,
          areaId,
          initiativeId,
          active: extra.active ?? true,
          locale: extra.locale ?? "de",
          createdBy: "telegram:1",
        },
      });
      return row.id;
    },
    dispose: () => testDb.dispose(),
  };
}

/** A simple publish of `text` (German) / `text (en)` to a feed. */
export const textContent = (text: string) => (locale: string) => ({ html: locale === "de" ? text : `${text} (en)` });
