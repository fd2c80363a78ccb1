import type { PrismaClient } from "./generated/prisma/client.js";

/**
 * The example municipality: Samtgemeinde Oldendorf-Himmelpforten (Landkreis Stade) and its ten
 * member municipalities with their residents on 2015-12-01.
 */
export const EXAMPLE_MUNICIPALITY = {
  slug: "oldendorf-himmelpforten",
  name: "Samtgemeinde Oldendorf-Himmelpforten",
  population: 17_963,
  members: [
    { slug: "burweg", name: "Burweg", population: 1_007 },
    { slug: "duedenbuettel", name: "Düdenbüttel", population: 990 },
    { slug: "engelschoff", name: "Engelschoff", population: 763 },
    { slug: "estorf", name: "Estorf", population: 1_428 },
    { slug: "grosswoerden", name: "Großenwörden", population: 454 },
    { slug: "hammah", name: "Hammah", population: 3_066 },
    { slug: "heinbockel", name: "Heinbockel", population: 1_420 },
    { slug: "himmelpforten", name: "Himmelpforten", population: 5_127 },
    { slug: "kranenburg", name: "Kranenburg", population: 726 },
    { slug: "oldendorf", name: "Oldendorf", population: 2_982 },
  ],
} as const;

/** Seeds the example municipality when the database has no areas yet; returns whether it did. */
export async function seedExampleIfEmpty(prisma: PrismaClient): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    if ((await tx.area.count()) > 0) return false;
    const root = await tx.area.create({
      data: { slug: EXAMPLE_MUNICIPALITY.slug, name: EXAMPLE_MUNICIPALITY.name, population: EXAMPLE_MUNICIPALITY.population },
    });
    await tx.area.createMany({
      data: EXAMPLE_MUNICIPALITY.members.map((m, index) => ({ ...m, parentId: root.id, sortOrder: index })),
    });
    return true;
  });
}

/**
 * The SEED_EXAMPLE rule every process that opens the database applies (the bot and the admin CLI):
 * "on" always, "auto" only for the embedded database (a try-out folder), "off" never.
 *
 * @example
 * if (exampleSeedWanted({ seedExample: "auto", databaseUrl: undefined })) await seedExampleIfEmpty(prisma);
 */
export function exampleSeedWanted(config: { readonly seedExample: "auto" | "on" | "off"; readonly databaseUrl: string | undefined }): boolean {
  return config.seedExample === "on" || (config.seedExample === "auto" && !config.databaseUrl);
}

/** How many areas (villages) exist; none means onboarding cannot ask residents for their village. */
export async function areaCount(prisma: PrismaClient): Promise<number> {
  return prisma.area.count();
}
