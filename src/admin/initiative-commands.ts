import { readFile, stat } from "node:fs/promises";
import { isInitiativeSlug, isPng, isWebLink } from "../core/model/initiative-slug.js";
import { normaliseIdentity } from "../core/model/role.js";
import type { Initiative, InitiativeChanges } from "../core/ports/initiatives.js";
import type { PrismaClient } from "../storage/generated/prisma/client.js";
import { createPrismaAccess } from "../storage/prisma-access.js";
import { createInitiativeStore } from "../storage/stores/initiative-store.js";
import { AdminError } from "./admin-error.js";

/** Telegram takes photos up to 10 MB; a logo far below that keeps broadcasts and the database small. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

export interface InitiativeInput {
  readonly slug: string;
  readonly name: string;
  readonly area?: string | undefined;
  readonly description?: string | undefined;
  readonly contact?: string | undefined;
  readonly link?: string | undefined;
  readonly trusted?: boolean | undefined;
}

export interface InitiativeUpdate {
  readonly name?: string | undefined;
  readonly area?: string | undefined;
  readonly description?: string | undefined;
  readonly contact?: string | undefined;
  readonly link?: string | undefined;
  readonly trusted?: boolean | undefined;
}

export interface InitiativeRow extends Initiative {
  readonly areaSlug: string | null;
  readonly managers: readonly string[];
  readonly hasLogo: boolean;
}

const store = (prisma: PrismaClient) => createInitiativeStore(createPrismaAccess(prisma));

async function areaIdOf(prisma: PrismaClient, slug: string): Promise<number> {
  const area = await prisma.area.findUnique({ where: { slug } });
  if (!area) throw new AdminError("admin:area-unknown", { slug });
  return area.id;
}

function checkLink(link: string | undefined): void {
  if (link !== undefined && link !== "" && !isWebLink(link)) throw new AdminError("admin:initiative-bad-link", { link });
}

/** Empty text clears an optional field ("--contact ''"). */
const optional = (value: string | undefined) => (value === undefined ? undefined : value.trim() === "" ? null : value.trim());

/** Creates an initiative; slugs are unique and never change, since subscriptions name them. */
export async function addInitiative(prisma: PrismaClient, input: InitiativeInput): Promise<Initiative> {
  if (!isInitiativeSlug(input.slug)) throw new AdminError("admin:initiative-bad-slug", { slug: input.slug });
  if (!input.name.trim()) throw new AdminError("admin:area-bad-name");
  checkLink(input.link);
  const initiatives = store(prisma);
  if (await initiatives.bySlug(input.slug)) throw new AdminError("admin:initiative-exists", { slug: input.slug });
  return initiatives.create({
    slug: input.slug,
    name: input.name.trim(),
    description: input.description?.trim() ?? "",
    areaId: input.area ? await areaIdOf(prisma, input.area) : null,
    contact: optional(input.contact) ?? null,
    link: optional(input.link) ?? null,
    trusted: input.trusted ?? false,
  });
}

export async function updateInitiative(prisma: PrismaClient, slug: string, input: InitiativeUpdate): Promise<Initiative> {
  checkLink(input.link);
  if (input.name !== undefined && !input.name.trim()) throw new AdminError("admin:area-bad-name");
  const changes: { -readonly [K in keyof InitiativeChanges]: InitiativeChanges[K] } = {};
  if (input.name !== undefined) changes.name = input.name.trim();
  if (input.description !== undefined) changes.description = input.description.trim();
  if (input.contact !== undefined) changes.contact = optional(input.contact) ?? null;
  if (input.link !== undefined) changes.link = optional(input.link) ?? null;
  if (input.trusted !== undefined) changes.trusted = input.trusted;
  // "--area ''" makes the initiative one of the whole municipality.
  if (input.area !== undefined) changes.areaId = input.area === "" ? null : await areaIdOf(prisma, input.area);
  if (Object.keys(changes).length === 0) throw new AdminError("admin:initiative-nothing-to-change");
  const updated = await store(prisma).update(slug, changes);
  if (!updated) throw new AdminError("admin:initiative-unknown", { slug });
  return updated;
}

export async function listInitiatives(prisma: PrismaClient): Promise<InitiativeRow[]> {
  const rows = await prisma.initiative.findMany({
    orderBy: { name: "asc" },
    select: { id: true, slug: true, name: true, description: true, areaId: true, contact: true, link: true, trusted: true, logo: true },
  });
  const areas = new Map((await prisma.area.findMany({ select: { id: true, slug: true } })).map((a) => [a.id, a.slug]));
  const managers = await prisma.roleAssignment.findMany({
    where: { role: "initiative_manager", scope: { startsWith: "initiative:" } },
    orderBy: { identity: "asc" },
  });
  return rows.map(({ logo, ...r }) => ({
    ...r,
    areaSlug: r.areaId === null ? null : (areas.get(r.areaId) ?? null),
    managers: managers.filter((m) => m.scope === `initiative:${r.id}`).map((m) => m.identity),
    hasLogo: logo !== null,
  }));
}

/** Grants role initiative_manager for this one initiative; granting twice changes nothing. */
export async function addManager(
  prisma: PrismaClient,
  input: { slug: string; identity: string; grantedBy: string },
): Promise<{ created: boolean; identity: string }> {
  const identity = normaliseIdentity(input.identity);
  if (!identity) throw new AdminError("admin:identity-bad", { identity: input.identity });
  const initiative = await store(prisma).bySlug(input.slug);
  if (!initiative) throw new AdminError("admin:initiative-unknown", { slug: input.slug });
  const { count } = await prisma.roleAssignment.createMany({
    data: [{ identity, role: "initiative_manager", scope: `initiative:${initiative.id}`, grantedBy: input.grantedBy }],
    skipDuplicates: true,
  });
  return { created: count === 1, identity };
}

/** Stores a PNG file as the initiative's logo (shown as the image of its profile). */
export async function setLogo(prisma: PrismaClient, slug: string, file: string): Promise<number> {
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new AdminError("admin:file-missing", { file });
    },
  );
  if (size > MAX_LOGO_BYTES) throw new AdminError("admin:initiative-logo-too-large", { max: MAX_LOGO_BYTES / 1024 / 1024 });
  const bytes = new Uint8Array(await readFile(file));
  if (!isPng(bytes)) throw new AdminError("admin:initiative-logo-not-png", { file });
  if (!(await store(prisma).setLogo(slug, bytes))) throw new AdminError("admin:initiative-unknown", { slug });
  return bytes.length;
}
