import type { PrismaClient } from "../storage/generated/prisma/client.js";
import { AdminError } from "./admin-error.js";

export interface AreaRow {
  readonly slug: string;
  readonly name: string;
  readonly depth: number;
  readonly population: number | null;
  readonly residents: number;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The area tree in reading order (parents before their children). */
export async function listAreas(prisma: PrismaClient): Promise<AreaRow[]> {
  const areas = await prisma.area.findMany({
    orderBy: [{ sortOrder: "asc" }, { name: "asc" }],
    include: { _count: { select: { residents: true } } },
  });
  const rows: AreaRow[] = [];
  const visit = (parentId: number | null, depth: number) => {
    for (const area of areas.filter((a) => a.parentId === parentId)) {
      rows.push({ slug: area.slug, name: area.name, depth, population: area.population, residents: area._count.residents });
      if (depth < 32) visit(area.id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

async function areaId(prisma: PrismaClient, slug: string): Promise<number> {
  const area = await prisma.area.findUnique({ where: { slug } });
  if (!area) throw new AdminError("admin:area-unknown", { slug });
  return area.id;
}

export async function addArea(
  prisma: PrismaClient,
  input: { slug: string; name: string; parent?: string | undefined; population?: number | undefined },
): Promise<void> {
  if (!SLUG.test(input.slug)) throw new AdminError("admin:area-bad-slug", { slug: input.slug });
  if (!input.name.trim()) throw new AdminError("admin:area-bad-name");
  if (await prisma.area.findUnique({ where: { slug: input.slug } })) throw new AdminError("admin:area-exists", { slug: input.slug });
  const parentId = input.parent ? await areaId(prisma, input.parent) : null;
  await prisma.area.create({
    data: { slug: input.slug, name: input.name.trim(), parentId, population: input.population ?? null },
  });
}

export async function renameArea(prisma: PrismaClient, slug: string, name: string): Promise<void> {
  if (!name.trim()) throw new AdminError("admin:area-bad-name");
  await prisma.area.update({ where: { id: await areaId(prisma, slug) }, data: { name: name.trim() } });
}

/** Moves an area under another one (or to the top with `parent` undefined), refusing cycles. */
export async function moveArea(prisma: PrismaClient, slug: string, parent: string | undefined): Promise<void> {
  const id = await areaId(prisma, slug);
  const parentId = parent ? await areaId(prisma, parent) : null;
  let cursor = parentId;
  while (cursor !== null) {
    if (cursor === id) throw new AdminError("admin:area-cycle", { slug, parent: parent ?? "" });
    cursor = (await prisma.area.findUniqueOrThrow({ where: { id: cursor } })).parentId;
  }
  await prisma.area.update({ where: { id }, data: { parentId } });
}

/** Removes an area that has no sub-areas; residents living there are asked for their village again. */
export async function removeArea(prisma: PrismaClient, slug: string): Promise<void> {
  const id = await areaId(prisma, slug);
  if ((await prisma.area.count({ where: { parentId: id } })) > 0) throw new AdminError("admin:area-has-children", { slug });
  await prisma.area.delete({ where: { id } });
}
