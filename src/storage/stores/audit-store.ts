import type { AuditEntry } from "../../core/features/ideas/idea-model.js";
import type { AuditStore } from "../../core/features/ideas/idea-ports.js";
import type { PrismaAccess } from "../prisma-access.js";
import type { Prisma } from "../generated/prisma/client.js";
import { appendAuditEntry } from "./audit-chain.js";

type AuditRow = Prisma.AuditLogGetPayload<object>;

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    actor: { identity: row.actorIdentity, name: row.actorName },
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    reason: row.reason,
    createdAt: row.createdAt,
  };
}

/** The audit log plus a reader for the admin CLI's export, oldest first, in pages. */
export function createAuditStore(db: PrismaAccess): AuditStore & {
  page(afterId: number, limit: number): Promise<AuditEntry[]>;
} {
  return {
    async record(actor, action, targetType, targetId, reason) {
      // Joins the running unit of work, or makes one: the chain's lock needs a transaction.
      await db.run(() => appendAuditEntry(db.client(), { actorIdentity: actor.identity, actorName: actor.name, action, targetType, targetId: String(targetId), reason }));
    },
    async recent(limit) {
      const rows = await db.client().auditLog.findMany({ orderBy: { id: "desc" }, take: limit });
      return rows.map(toAuditEntry);
    },
    async page(afterId, limit) {
      const rows = await db.client().auditLog.findMany({ where: { id: { gt: afterId } }, orderBy: { id: "asc" }, take: limit });
      return rows.map(toAuditEntry);
    },
  };
}
