import type { ConversationState, ConversationStore } from "../../core/ports/stores.js";
import { Prisma } from "../generated/prisma/client.js";
import type { PrismaAccess } from "../prisma-access.js";

export interface ConversationRow {
  flow: string | null;
  step: string | null;
  data: unknown;
  choices: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The state of a conversation row as raw SQL returns it (all null when there was no row). */
export function toConversationState(row: Partial<ConversationRow> | undefined): ConversationState {
  return {
    flow: row?.flow ?? null,
    step: row?.step ?? null,
    data: isRecord(row?.data) ? row.data : {},
    choices: Array.isArray(row?.choices) ? row.choices.filter((c): c is string => typeof c === "string") : [],
  };
}

/** The statement that saves a conversation's state, also run inside the turn's closing write. */
export function saveConversationSql(key: string, residentId: number, state: ConversationState): Prisma.Sql {
  // No RETURNING: the core keeps the state it saved, and the write is on every event's path.
  return Prisma.sql`UPDATE "Conversation" SET "residentId" = ${residentId}, "flow" = ${state.flow},
    "step" = ${state.step}, "data" = ${JSON.stringify(state.data)}::jsonb,
    "choices" = ${JSON.stringify(state.choices)}::jsonb, "updatedAt" = now() WHERE "key" = ${key}`;
}

export function createConversationStore(db: PrismaAccess): ConversationStore {
  return {
    async lockAndLoad(key, residentId) {
      // One round trip: the upsert creates the row on first contact and, like SELECT … FOR UPDATE,
      // row-locks it, so a second event of the same chat waits until this one is committed.
      const rows = await db.client().$queryRaw<ConversationRow[]>`INSERT INTO "Conversation" ("key", "residentId", "updatedAt")
        VALUES (${key}, ${residentId}, now())
        ON CONFLICT ("key") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
        RETURNING "flow", "step", "data", "choices"`;
      return toConversationState(rows[0]);
    },
    async rememberChoices(key, choices) {
      await db.client().conversation.updateMany({ where: { key }, data: { choices: [...choices] } });
    },
  };
}
