import type { Area } from "../../core/model/resident.js";
import type { AreaStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";

const select = { id: true, slug: true, name: true, parentId: true } as const;

export interface AreaStoreOptions {
  /**
   * How long the area list is reused before it is read again; 0 (the default) reads every time.
   * Areas change only through the admin CLI, a separate process, so the running bot cannot be told;
   * a short time-to-live bounds how long it shows an outdated list.
   */
  readonly cacheMs?: number;
  /** Milliseconds clock for the cache (tests); default performance.now. */
  readonly now?: () => number;
}

export function createAreaStore(db: PrismaAccess, options: AreaStoreOptions = {}): AreaStore {
  const cacheMs = options.cacheMs ?? 0;
  const now = options.now ?? (() => performance.now());
  // The pending read is shared, so turns arriving together after expiry read the list once.
  let cached: { readonly areas: Promise<readonly Area[]>; readonly at: number } | undefined;

  const load = (): Promise<Area[]> =>
    db.client().area.findMany({ select, orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });

  const cachedList = (): Promise<readonly Area[]> => {
    if (!cached || now() - cached.at >= cacheMs) {
      const entry = { areas: load(), at: now() };
      cached = entry;
      entry.areas.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.areas;
  };
  const copy = (area: Area | undefined): Area | undefined => (area ? { ...area } : undefined);

  return {
    async list(): Promise<Area[]> {
      if (cacheMs <= 0) return load();
      // A copy, so a caller sorting or filtering in place cannot change what the next caller sees.
      return (await cachedList()).map((area) => ({ ...area }));
    },
    async get(areaId) {
      if (cacheMs > 0) return copy((await cachedList()).find((area) => area.id === areaId));
      return (await db.client().area.findUnique({ where: { id: areaId }, select })) ?? undefined;
    },
    async bySlug(slug) {
      if (cacheMs > 0) return copy((await cachedList()).find((area) => area.slug === slug));
      return (await db.client().area.findUnique({ where: { slug }, select })) ?? undefined;
    },
  };
}
