import type { StayStore } from "../../core/ports/stay.js";
import type { PrismaAccess } from "../prisma-access.js";

/** Clears Resident.stayAskedAt, the mark the maintenance set when it asked (src/storage/maintenance.ts). */
export function createStayStore(db: PrismaAccess): StayStore {
  return {
    async stay(residentId) {
      await db.client().resident.updateMany({ where: { id: residentId, stayAskedAt: { not: null } }, data: { stayAskedAt: null } });
    },
  };
}
