import type { Choice } from "../../core/model/outbound-message.js";
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

/** Delivered messages whose choices stay answerable beside the latest one. */
export const RECENT_CHOICE_GROUPS = 5;

const isChoice = (v: unknown): v is Choice => isRecord(v) && typeof v.label === "string" && typeof v.action === "string";

/**
 * The "choices" column holds either the last message's actions (["a", "b"]) or, while several
 * messages with choices are on screen, each one's choices with their labels ([[{label, action}], …]).
 */
function toChoices(stored: unknown): Pick<ConversationState, "choices" | "recent"> {
  if (!Array.isArray(stored)) return { choices: [] };
  if (stored.length > 0 && stored.every(Array.isArray)) {
    const recent = stored.map((group: unknown[]) => group.filter(isChoice));
    return { choices: recent.at(-1)!.map((c) => c.action), recent };
  }
  return { choices: stored.filter((c): c is string => typeof c === "string") };
}

function storedChoices(state: ConversationState): unknown {
  return state.recent && state.recent.length > 0 ? state.recent : state.choices;
}

/** The state of a conversation row as raw SQL returns it (all null when there was no row). */
export function toConversationState(row: Partial<ConversationRow> | undefined): ConversationState {
  return {
    flow: row?.flow ?? null,
    step: row?.step ?? null,
    data: isRecord(row?.data) ? row.data : {},
    ...toChoices(row?.choices),
  };
}

/** The statement that saves a conversation's state, also run inside the turn's closing write. */
export function saveConversationSql(key: string, residentId: number, state: ConversationState): Prisma.Sql {
  // No RETURNING: the core keeps the state it saved, and the write is on every event's path.
  return Prisma.sql`UPDATE "Conversation" SET "residentId" = ${residentId}, "flow" = ${state.flow},
    "step" = ${state.step}, "data" = ${JSON.stringify(state.data)}::jsonb,
    "choices" = ${JSON.stringify(storedChoices(state))}::jsonb, "updatedAt" = now() WHERE "key" = ${key}`;
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
      const group = JSON.stringify([choices.map((c) => ({ label: c.label, action: c.action }))]);
      // One statement, so two deliveries to the same chat cannot lose each other's cards: after
      // earlier delivered groups the new one is appended (the oldest fall off); after a turn's
      // plain list the delivery is the only message still meant.
      await db.client().$executeRaw`UPDATE "Conversation" SET "choices" = CASE
          WHEN jsonb_typeof("choices") = 'array' AND jsonb_array_length("choices") > 0 AND jsonb_typeof("choices" -> 0) = 'array'
          THEN (SELECT jsonb_agg(g ORDER BY n) FROM jsonb_array_elements("choices" || ${group}::jsonb) WITH ORDINALITY AS e(g, n)
                WHERE n > jsonb_array_length("choices") + 1 - ${RECENT_CHOICE_GROUPS})
          ELSE ${group}::jsonb END,
        "updatedAt" = now() WHERE "key" = ${key}`;
    },
  };
}
