import type { Area } from "../../core/model/resident.js";
import type { AreaStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";

const select = { id: true, slug: true, name: true, parentId: true } as const;

export function createAreaStore(db: PrismaAccess): AreaStore {
  return {
    async list(): Promise<Area[]> {
      return db.client().area.findMany({ select, orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });
    },
    async get(areaId) {
      return (await db.client().area.findUnique({ where: { id: areaId }, select })) ?? undefined;
    },
    async bySlug(slug) {
      return (await db.client().area.findUnique({ where: { slug }, select })) ?? undefined;
    },
  };
}
