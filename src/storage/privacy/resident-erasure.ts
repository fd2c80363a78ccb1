import type { ContributionsOnErasure, ResidentErasure } from "../../core/ports/erasure.js";
import type { PrismaAccess } from "../prisma-access.js";
import { eraseResident } from "./erase-resident.js";

/**
 * The core's erasure port on the app's unit of work: a resident's own request, recorded in the
 * audit log with the actor "resident" (never the person).
 *
 * @example
 * const erasure = createResidentErasure(access, config.erasureContributions);
 */
export function createResidentErasure(access: PrismaAccess, contributions: ContributionsOnErasure): ResidentErasure {
  return {
    contributions,
    async erase(residentId, request) {
      await eraseResident(access, residentId, { contributions, actor: "resident", reason: request.reason, keepEventId: request.keepEventId });
    },
  };
}
