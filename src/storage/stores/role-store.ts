import { isRole, type RoleGrant } from "../../core/model/role.js";
import type { RoleStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";

export function createRoleStore(db: PrismaAccess): RoleStore {
  return {
    async grantsOf(identityIds) {
      if (identityIds.length === 0) return [];
      const rows = await db.client().roleAssignment.findMany({
        where: { identity: { in: [...identityIds] } },
        select: { role: true, scope: true },
      });
      return rows.flatMap((r): RoleGrant[] => (isRole(r.role) ? [{ role: r.role, scope: r.scope }] : []));
    },
  };
}
