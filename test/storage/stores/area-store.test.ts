import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaAccess } from "../../../src/storage/prisma-access.js";
import { createAreaStore } from "../../../src/storage/stores/area-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.dispose());

describe("area store", () => {
  it("reuses the area list for its time-to-live, then reads it again", async () => {
    let clockMs = 1_000;
    const areas = createAreaStore(createPrismaAccess(t.db.prisma), { cacheMs: 30_000, now: () => clockMs });
    const first = await areas.list();
    await t.db.prisma.area.create({ data: { slug: "cache-test", name: "Zz Cachedorf" } });

    clockMs += 29_999;
    const cached = await areas.list();
    expect(cached.map((a) => a.slug)).toEqual(first.map((a) => a.slug));
    cached.pop(); // a caller changing its copy does not change the cache
    expect(await areas.list()).toHaveLength(first.length);

    expect(await areas.bySlug("cache-test")).toBeUndefined();

    clockMs += 1;
    expect((await areas.list()).map((a) => a.slug)).toContain("cache-test");
    const found = await areas.bySlug("cache-test");
    expect(found?.name).toBe("Zz Cachedorf");
    expect(await areas.get(found?.id ?? -1)).toEqual(found);
  });

  it("reads the list on every call without a time-to-live", async () => {
    const areas = createAreaStore(createPrismaAccess(t.db.prisma));
    const before = (await areas.list()).length;
    await t.db.prisma.area.create({ data: { slug: "uncached", name: "Zz Ohnecache" } });
    expect(await areas.list()).toHaveLength(before + 1);
    expect((await areas.bySlug("uncached"))?.name).toBe("Zz Ohnecache");
  });
});
