import { isRole, normaliseIdentity, ROLES } from "../core/model/role.js";
import type { PrismaClient } from "../storage/generated/prisma/client.js";
import { AdminError } from "./admin-error.js";
import { appendAuditEntry } from "../storage/stores/audit-chain.js";

/** How the audit log names an admin acting on the command line ("cli:anna"). */
export function cliActorName(identity: string): string {
  return `admin command line (${identity.replace(/^cli:/, "OS user ")})`;
}

export interface RoleRow {
  readonly identity: string;
  readonly role: string;
  readonly scope: string;
  readonly grantedBy: string;
  readonly createdAt: Date;
}

function identityOf(input: string): string {
  const identity = normaliseIdentity(input);
  if (!identity) throw new AdminError("admin:identity-bad", { identity: input });
  return identity;
}

function roleOf(input: string) {
  if (!isRole(input)) throw new AdminError("admin:role-bad", { role: input, roles: ROLES.join(", ") });
  return input;
}

async function scopeOf(prisma: PrismaClient, area: string | undefined): Promise<string> {
  if (!area) return "*";
  if (!(await prisma.area.findUnique({ where: { slug: area } }))) throw new AdminError("admin:area-unknown", { slug: area });
  return `area:${area}`;
}

export async function listRoles(prisma: PrismaClient, identity?: string): Promise<RoleRow[]> {
  return prisma.roleAssignment.findMany({
    where: identity ? { identity: identityOf(identity) } : {},
    orderBy: [{ identity: "asc" }, { role: "asc" }],
    select: { identity: true, role: true, scope: true, grantedBy: true, createdAt: true },
  });
}

/**
 * Grants a role, everywhere or in one area; granting twice changes nothing. The grant and its
 * audit entry ("role.grant", target the identity, reason "role scope") are one transaction.
 */
export async function grantRole(
  prisma: PrismaClient,
  input: { identity: string; role: string; area?: string | undefined; grantedBy: string },
): Promise<{ created: boolean }> {
  const identity = identityOf(input.identity);
  const role = roleOf(input.role);
  const scope = await scopeOf(prisma, input.area);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.roleAssignment.createMany({
      data: [{ identity, role, scope, grantedBy: input.grantedBy }],
      skipDuplicates: true,
    });
    if (count === 1) {
      await appendAuditEntry(tx, { actorIdentity: input.grantedBy, actorName: cliActorName(input.grantedBy), action: "role.grant", targetType: "identity", targetId: identity, reason: `${role} ${scope}` });
    }
    return { created: count === 1 };
  });
}

/** Revokes a role (in one area, or everywhere it was granted); recorded as "role.revoke" when something went. */
export async function revokeRole(
  prisma: PrismaClient,
  input: { identity: string; role: string; area?: string | undefined; revokedBy: string },
): Promise<{ removed: number }> {
  const identity = identityOf(input.identity);
  const role = roleOf(input.role);
  const where = input.area === undefined ? { identity, role } : { identity, role, scope: await scopeOf(prisma, input.area) };
  return prisma.$transaction(async (tx) => {
    const gone = await tx.roleAssignment.findMany({ where, select: { scope: true } });
    const { count } = await tx.roleAssignment.deleteMany({ where });
    if (count > 0) {
      const reason = `${role} ${gone.map((g) => g.scope).join(", ")}`;
      await appendAuditEntry(tx, { actorIdentity: input.revokedBy, actorName: cliActorName(input.revokedBy), action: "role.revoke", targetType: "identity", targetId: identity, reason });
    }
    return { removed: count };
  });
}
