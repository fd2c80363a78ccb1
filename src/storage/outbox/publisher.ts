import { SUPPORTED_LOCALES, DEFAULT_LOCALE } from "../../core/model/locale.js";
import type { Clock } from "../../core/ports/clock.js";
import type { Audience, PublishReceipt, PublishRequest, Publisher } from "../../core/ports/publisher.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Db, PrismaAccess } from "../prisma-access.js";

export interface OutboxPublisherDeps {
  readonly access: PrismaAccess;
  readonly clock: Clock;
}

/** Resident ids per INSERT, well below PostgreSQL's limit of bind parameters. */
const RESIDENT_CHUNK = 5000;

/**
 * Timestamps go to SQL as ISO text cast to `timestamp`: the columns hold UTC without a time zone,
 * and text input ignores the "Z", so the session's time zone can never shift them.
 */
export const sqlTimestamp = (date: Date): Prisma.Sql => Prisma.sql`CAST(${date.toISOString()} AS timestamp(3))`;

/**
 * The outbox side of publishing: renders the content once per language, writes the Broadcast and
 * one Delivery row per recipient chat in the caller's unit of work (or a new one). Feed recipients
 * are selected and inserted by the database in one statement, so a publish to 100,000 chats never
 * holds them in memory.
 */
export function createOutboxPublisher(deps: OutboxPublisherDeps): Publisher {
  return {
    publish: (request) => deps.access.run(() => publishIn(deps.access.client(), request, deps.clock.now())),
  };
}

async function publishIn(db: Db, request: PublishRequest, now: Date): Promise<PublishReceipt> {
  const contents = SUPPORTED_LOCALES.map((locale) => {
    const message = request.content(locale);
    // The type already forbids it; a file smuggled past it would be lost silently, so it is a bug.
    if ((message as { file?: unknown }).file !== undefined) throw new Error(`publication ${request.origin} carries a file; files are never broadcast`);
    return {
      locale,
      html: message.html,
      choices: (message.choices ?? []).map((row) => row.map((c) => ({ label: c.label, action: c.action }))),
      image: message.image ? Uint8Array.from(message.image.bytes) : null,
      alt: message.image?.alt ?? null,
    };
  });
  const broadcast = await db.broadcast.create({
    data: { origin: request.origin, title: request.title, createdAt: now, contents: { create: contents } },
    select: { id: true },
  });
  const recipients = await insertRecipients(db, broadcast.id, request.audience, now);
  return { broadcastId: broadcast.id, recipients };
}

async function insertRecipients(db: Db, broadcastId: number, audience: Audience, now: Date): Promise<number> {
  switch (audience.kind) {
    case "chat": {
      await db.delivery.create({
        data: {
          broadcastId,
          channel: audience.channel,
          chatId: audience.chatId,
          locale: audience.locale ?? DEFAULT_LOCALE,
          nextAttemptAt: now,
        },
      });
      return 1;
    }
    case "residents": {
      let count = 0;
      const ids = [...new Set(audience.residentIds)];
      for (let i = 0; i < ids.length; i += RESIDENT_CHUNK) {
        const chunk = ids.slice(i, i + RESIDENT_CHUNK);
        count += await insertResidentChats(db, broadcastId, now, Prisma.sql`r.id IN (${Prisma.join(chunk)})`);
      }
      return count;
    }
    case "feed": {
      let count = await insertSubscribedChats(db, broadcastId, audience, now);
      if (audience.feed === "news" && audience.initiativeId !== undefined) {
        // Followers who chose the daily digest for news get it there instead.
        count += await insertResidentChats(
          db,
          broadcastId,
          now,
          Prisma.sql`r.id IN (SELECT f."residentId" FROM "InitiativeFollow" f WHERE f."initiativeId" = ${audience.initiativeId})
            AND NOT EXISTS (SELECT 1 FROM "ResidentFeedPreference" p
              WHERE p."residentId" = r.id AND p.feed = ${audience.feed} AND p.mode = 'digest')`,
        );
      }
      return count;
    }
  }
}

/**
 * Subscriptions whose area contains the item's area or lies inside it (a village's group hears of
 * district-wide surveys; a district's channel hears of every village), subscriptions to every area,
 * and, for an initiative's news, subscriptions to that initiative. One row per chat.
 */
async function insertSubscribedChats(
  db: Db,
  broadcastId: number,
  audience: Extract<Audience, { kind: "feed" }>,
  now: Date,
): Promise<number> {
  const areaId = audience.areaId;
  const initiativeId = audience.initiativeId ?? null;
  const areaMatch =
    areaId === null
      ? Prisma.sql`TRUE`
      : Prisma.sql`(s."areaId" IS NULL OR s."areaId" IN (SELECT id FROM related))`;
  return db.$executeRaw`
    WITH RECURSIVE up AS (
        SELECT a.id, a."parentId" FROM "Area" a WHERE a.id = ${areaId ?? -1}
        UNION SELECT p.id, p."parentId" FROM "Area" p JOIN up ON p.id = up."parentId"
      ), down AS (
        SELECT a.id FROM "Area" a WHERE a.id = ${areaId ?? -1}
        UNION SELECT c.id FROM "Area" c JOIN down ON c."parentId" = down.id
      ), related AS (SELECT id FROM up UNION SELECT id FROM down)
    INSERT INTO "Delivery" ("broadcastId", channel, "chatId", locale, "subscriptionId", "nextAttemptAt", "createdAt")
    SELECT DISTINCT ON (s.channel, s."chatId") ${broadcastId}, s.channel, s."chatId", s.locale, s.id,
      ${sqlTimestamp(now)}, ${sqlTimestamp(now)}
    FROM "Subscription" s
    WHERE s.feed = ${audience.feed} AND s.active AND ${areaMatch}
      AND (s."initiativeId" IS NULL OR s."initiativeId" = ${initiativeId ?? -1})
    ORDER BY s.channel, s."chatId", s.id
    ON CONFLICT DO NOTHING`;
}

/**
 * One private chat per resident: the identity seen most recently that has one. A resident who
 * withdrew consent gets nothing pushed, whichever audience names them.
 */
async function insertResidentChats(db: Db, broadcastId: number, now: Date, residentFilter: Prisma.Sql): Promise<number> {
  return db.$executeRaw`
    INSERT INTO "Delivery" ("broadcastId", channel, "chatId", locale, "nextAttemptAt", "createdAt")
    SELECT DISTINCT ON (r.id) ${broadcastId}, i.channel, i."privateChatId", COALESCE(r.locale, ${DEFAULT_LOCALE}),
      ${sqlTimestamp(now)}, ${sqlTimestamp(now)}
    FROM "Resident" r JOIN "Identity" i ON i."residentId" = r.id AND i."privateChatId" IS NOT NULL
    WHERE r."privacyWithdrawnAt" IS NULL AND ${residentFilter}
    ORDER BY r.id, i."lastSeenAt" DESC, i.id
    ON CONFLICT DO NOTHING`;
}
