import { isRole, normaliseIdentity, ROLES } from "../core/model/role.js";
import type { PrismaClient } from "../storage/generated/prisma/client.js";
import { AdminError } from "./admin-error.js";

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

/** Grants a role, everywhere or in one area; granting twice changes nothing. */
export async function grantRole(
  prisma: PrismaClient,
  input: { identity: string; role: string; area?: string | undefined; grantedBy: string },
): Promise<{ created: boolean }> {
  const identity = identityOf(input.identity);
  const role = roleOf(input.role);
  const scope = await scopeOf(prisma, input.area);
  const { count } = await prisma.roleAssignment.createMany({
    data: [{ identity, role, scope, grantedBy: input.grantedBy }],
    skipDuplicates: true,
  });
  return { created: count === 1 };
}

export async function revokeRole(
  prisma: PrismaClient,
  input: { identity: string; role: string; area?: string | undefined },
): Promise<{ removed: number }> {
  const identity = identityOf(input.identity);
  const role = roleOf(input.role);
  const where = input.area === undefined ? { identity, role } : { identity, role, scope: await scopeOf(prisma, input.area) };
  const { count } = await prisma.roleAssignment.deleteMany({ where });
  return { removed: count };
}
