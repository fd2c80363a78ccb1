import type { EventLog } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";

export function createEventLog(db: PrismaAccess): EventLog {
  return {
    async markProcessed(eventId) {
      const { count } = await db.client().processedEvent.createMany({ data: [{ id: eventId }], skipDuplicates: true });
      return count === 1;
    },
  };
}
