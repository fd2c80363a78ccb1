import type { ConversationState, ConversationStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";
import type { Prisma } from "../generated/prisma/client.js";

interface Row {
  flow: string | null;
  step: string | null;
  data: unknown;
  choices: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function createConversationStore(db: PrismaAccess): ConversationStore {
  return {
    async lockAndLoad(key, residentId) {
      const client = db.client();
      await client.$executeRaw`INSERT INTO "Conversation" ("key", "residentId", "updatedAt")
        VALUES (${key}, ${residentId}, now()) ON CONFLICT ("key") DO NOTHING`;
      // FOR UPDATE makes a second event of the same chat wait until this one is committed.
      const rows = await client.$queryRaw<Row[]>`SELECT "flow", "step", "data", "choices"
        FROM "Conversation" WHERE "key" = ${key} FOR UPDATE`;
      const row = rows[0];
      return {
        flow: row?.flow ?? null,
        step: row?.step ?? null,
        data: isRecord(row?.data) ? row.data : {},
        choices: Array.isArray(row?.choices) ? row.choices.filter((c): c is string => typeof c === "string") : [],
      };
    },
    async save(key, residentId, state: ConversationState) {
      await db.client().conversation.update({
        where: { key },
        data: { residentId, flow: state.flow, step: state.step, data: state.data as Prisma.InputJsonObject, choices: [...state.choices] },
      });
    },
    async rememberChoices(key, choices) {
      await db.client().conversation.updateMany({ where: { key }, data: { choices: [...choices] } });
    },
  };
}
