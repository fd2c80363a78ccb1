/** Roles that can be granted to a platform identity. */
export const ROLES = ["admin", "moderator", "council", "initiative_manager"] as const;

/**
 * A role name.
 *
 * @example
 * const role: Role = "moderator";
 */
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * Where a role applies: "*" everywhere, "area:<slug>" in one area (and its children), or
 * "initiative:<id>" for one initiative.
 *
 * @example
 * const grant: RoleGrant = { role: "moderator", scope: "area:hammah" };
 */
export interface RoleGrant {
  readonly role: Role;
  readonly scope: string;
}

/** Normalises what an admin types ("@anna:example.org", "telegram:123") into a stored identity id. */
export function normaliseIdentity(input: string): string | undefined {
  const value = input.trim();
  if (/^@[^:\s]+:[^\s]+$/.test(value)) return `matrix:${value}`;
  if (/^matrix:@[^:\s]+:[^\s]+$/.test(value)) return value;
  if (/^telegram:-?\d+$/.test(value)) return value;
  if (/^console:[\w.-]+$/.test(value)) return value;
  return undefined;
}

/**
 * Whether a set of grants allows `role` where `areaSlugs` apply (the item's area and its ancestors).
 * Admins may do everything; a grant scoped to an area covers that area and everything below it.
 * With "any", a grant anywhere counts; for initiative managers that includes their
 * "initiative:<id>" scopes, since that is the only way the role is granted.
 */
export function grantsAllow(
  grants: readonly RoleGrant[],
  role: Role,
  areaSlugs: readonly string[] | "any" = "any",
): boolean {
  return grants.some((grant) => {
    if (grant.role !== role && grant.role !== "admin") return false;
    if (grant.scope === "*") return true;
    if (areaSlugs === "any") {
      return grant.scope.startsWith("area:") || (role === "initiative_manager" && grant.scope.startsWith("initiative:"));
    }
    return areaSlugs.some((slug) => grant.scope === `area:${slug}`);
  });
}
