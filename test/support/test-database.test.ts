import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase, defaultTestPostgresUrl } from "./test-database.js";

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.MITREDEN_TEST_PG_URL ?? defaultTestPostgresUrl });
  await client.connect();
  try {
    const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("createTestDatabase", () => {
  it("gives each PGlite test its own migrated, empty database", async () => {
    const timings: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const started = performance.now();
      const test = await createTestDatabase({ kind: "pglite" });
      timings.push(performance.now() - started);
      try {
        expect(test.kind).toBe("pglite");
        expect(await test.db.prisma.area.count()).toBe(0);
        await test.db.prisma.area.create({ data: { slug: "burweg", name: "Burweg" } });
      } finally {
        await test.dispose();
      }
    }
    process.stderr.write(`[timing] createTestDatabase pglite: ${timings.map((ms) => ms.toFixed(0)).join(" / ")} ms\n`);
  }, 60_000);

  it("creates a uniquely named PostgreSQL database and drops it on dispose", async () => {
    const started = performance.now();
    const test = await createTestDatabase({ kind: "postgres" });
    const ms = performance.now() - started;
    const name = (await test.db.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`)[0]?.name ?? "";
    try {
      expect(test.kind).toBe("postgres");
      expect(name).toMatch(/^mitreden_t_[0-9a-f]{12}$/);
      expect(await test.db.prisma.area.count()).toBe(0);
    } finally {
      await test.dispose();
    }
    expect(await databaseExists(name)).toBe(false);
    process.stderr.write(`[timing] createTestDatabase postgres: ${ms.toFixed(0)} ms\n`);
  }, 30_000);
});
