import type { ConversationStore, ResidentStore, TurnStart, TurnStartRequest, TurnStore } from "../../core/ports/stores.js";
import { z } from "zod";
import type { KeptReply } from "../../core/model/kept-reply.js";
import { SUPPORTED_LOCALES } from "../../core/model/locale.js";
import type { PrismaAccess } from "../prisma-access.js";
import { Prisma, type Resident as ResidentRow } from "../generated/prisma/client.js";
import { saveConversationSql, toConversationState, type ConversationRow } from "./conversation-store.js";
import { toResident } from "./resident-store.js";
import { sqlTimestamp } from "../outbox/publisher.js";

/**
 * Identity.lastSeenAt is written at most once an hour per identity: it only measures long silences
 * (src/storage/maintenance.ts) and picks a resident's most recent messenger, and a write on every
 * event would double the rows each turn changes.
 */
const SEEN_PRECISION_MS = 3_600_000;

type ResidentFields = Pick<ResidentRow, "locale" | "homeAreaId" | "privacyAcceptedAt" | "privacyVersion" | "privacyWithdrawnAt" | "onboardedAt" | "blockedAt">;

/** One row of the combined statement; resident and conversation columns are null when not found. */
interface StartRow extends Partial<ResidentFields>, Partial<ConversationRow> {
  fresh: boolean;
  /** The kept reply of an earlier handling; only read for a redelivery. */
  keptReply: unknown;
  residentId: number | null;
  privateChatId: string | null;
  conversationResidentId: number | null;
}

interface StartStoreDeps {
  readonly access: PrismaAccess;
  readonly residents: Pick<ResidentStore, "resolveIdentity">;
  readonly conversations: Pick<ConversationStore, "lockAndLoad">;
}

/**
 * Opens a turn in one round trip on the hot path: records the event id, reads the sender's
 * resident and creates-or-locks the conversation row in a single statement (three before).
 * First contact and a changed private chat fall back to the separate store calls. Closes it in
 * one more: the conversation's next state and the kept replies together.
 */
export function createTurnStore(deps: StartStoreDeps): TurnStore {
  return {
    async start(request: TurnStartRequest): Promise<TurnStart> {
      const client = deps.access.client();
      // The conversation upsert only runs for a fresh event of a known sender (`WHERE EXISTS fresh`),
      // so a redelivery locks nothing. ON CONFLICT DO UPDATE row-locks like SELECT … FOR UPDATE and
      // returns the newest committed state even after waiting for a concurrent turn of the chat.
      // `seen` and `answered` run although nothing reads them (data-modifying CTEs always do): a fresh
      // event shows its sender is still there, and withdraws the stay question if one was asked.
      const rows = await client.$queryRaw<StartRow[]>`WITH fresh AS (
          INSERT INTO "ProcessedEvent" ("id", "identityId") VALUES (${request.eventId}, ${request.identityId}) ON CONFLICT DO NOTHING RETURNING "id"
        ), prior AS (
          SELECT "reply" FROM "ProcessedEvent" WHERE "id" = ${request.eventId} AND ${request.wantsKeptReply}
        ), who AS (
          SELECT r."id", r."locale", r."homeAreaId", r."privacyAcceptedAt", r."privacyVersion", r."privacyWithdrawnAt", r."onboardedAt", r."blockedAt", i."privateChatId"
          FROM "Identity" i JOIN "Resident" r ON r."id" = i."residentId" WHERE i."id" = ${request.identityId}
        ), seen AS (
          UPDATE "Identity" SET "lastSeenAt" = ${sqlTimestamp(request.seenAt)}
          WHERE "id" = ${request.identityId} AND "lastSeenAt" < ${sqlTimestamp(new Date(request.seenAt.getTime() - SEEN_PRECISION_MS))}
            AND EXISTS (SELECT 1 FROM fresh)
          RETURNING 1
        ), answered AS (
          UPDATE "Resident" SET "stayAskedAt" = NULL
          WHERE "id" IN (SELECT "id" FROM who) AND "stayAskedAt" IS NOT NULL AND EXISTS (SELECT 1 FROM fresh)
          RETURNING 1
        ), conv AS (
          INSERT INTO "Conversation" ("key", "residentId", "updatedAt")
          SELECT ${request.key}, who."id", now() FROM who WHERE EXISTS (SELECT 1 FROM fresh)
          ON CONFLICT ("key") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
          RETURNING "residentId", "flow", "step", "data", "choices"
        )
        SELECT EXISTS (SELECT 1 FROM fresh) AS "fresh", (SELECT "reply" FROM prior) AS "keptReply", who."id" AS "residentId", who."locale", who."homeAreaId",
          who."privacyAcceptedAt", who."privacyVersion", who."privacyWithdrawnAt", who."onboardedAt", who."blockedAt", who."privateChatId",
          conv."residentId" AS "conversationResidentId", conv."flow", conv."step", conv."data", conv."choices"
        FROM (SELECT 1) AS one LEFT JOIN who ON true LEFT JOIN conv ON true`;
      const row = rows[0];
      if (!row?.fresh) {
        const keptReply = toKeptReply(row?.keptReply);
        return keptReply ? { duplicate: true, keptReply } : { duplicate: true };
      }
      const privateChatChanged = request.privateChatId !== undefined && row.privateChatId !== request.privateChatId;
      if (row.residentId === null || row.conversationResidentId === null || privateChatChanged) {
        // First contact (or a new private chat id to remember): the separate calls create or update.
        const resident = await deps.residents.resolveIdentity(request.identityId, request.channel, request.displayName, request.privateChatId);
        const state = await deps.conversations.lockAndLoad(request.key, resident.id);
        return { duplicate: false, resident, state, conversationResidentId: null };
      }
      const resident = toResident({
        id: row.residentId,
        locale: row.locale ?? null,
        homeAreaId: row.homeAreaId ?? null,
        privacyAcceptedAt: row.privacyAcceptedAt ?? null,
        privacyVersion: row.privacyVersion ?? null,
        privacyWithdrawnAt: row.privacyWithdrawnAt ?? null,
        onboardedAt: row.onboardedAt ?? null,
        blockedAt: row.blockedAt ?? null,
      });
      return { duplicate: false, resident, state: toConversationState(row), conversationResidentId: row.conversationResidentId };
    },
    async finish({ eventId, conversation, reply }) {
      const client = deps.access.client();
      const save = conversation ? saveConversationSql(conversation.key, conversation.residentId, conversation.state) : undefined;
      if (!reply) {
        if (save) await client.$executeRaw(save);
        return;
      }
      const keep = Prisma.sql`UPDATE "ProcessedEvent" SET "reply" = ${JSON.stringify(reply)}::jsonb WHERE "id" = ${eventId}`;
      // Both writes in one statement: a data-modifying CTE runs whether or not it is read.
      await client.$executeRaw(save ? Prisma.sql`WITH saved AS (${save}) ${keep}` : keep);
    },
  };
}

const keptMessage = z.object({
  html: z.string(),
  choices: z.array(z.array(z.object({ label: z.string(), action: z.string() }))).optional(),
  imageAlt: z.string().optional(),
  fileName: z.string().optional(),
  awaitsPhoto: z.boolean().optional(),
});
const keptReplySchema = z.object({ locale: z.enum(SUPPORTED_LOCALES), messages: z.array(keptMessage) });

/** Reads a kept reply; one that no longer fits the shape (an older version's) is not sent. */
function toKeptReply(value: unknown): KeptReply | undefined {
  const parsed = keptReplySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
