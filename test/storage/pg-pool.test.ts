import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closePgPool, openPgPool } from "../../src/storage/pg-pool.js";
import { defaultTestPostgresUrl, testDatabaseKind } from "../support/test-database.js";

const serverUrl = process.env.MITREDEN_TEST_PG_URL ?? defaultTestPostgresUrl;

async function terminateSessionsNamed(applicationName: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
  } finally {
    await client.end();
  }
}

// Runs once, against the real server: the PGlite project has no sessions to lose.
describe.skipIf(testDatabaseKind() !== "postgres")("PostgreSQL pools", () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    for (const pool of pools) await closePgPool(pool).catch(() => undefined);
  });

  it("closes every connection before closePgPool resolves", async () => {
    const pool = openPgPool({ connectionString: serverUrl, max: 4 }, () => undefined);
    pools.push(pool);
    let ended = 0;
    pool.on("connect", (client) => client.on("end", () => (ended += 1)));
    // Four connections at once, all idle afterwards.
    await Promise.all([1, 2, 3, 4].map(() => pool.query("SELECT pg_sleep(0.05)")));
    expect(pool.totalCount).toBe(4);
    // pg's own end() resolves while these sockets are still closing; closePgPool must not.
    await closePgPool(pool);
    expect(ended).toBe(4);
  });

  it("hands an idle session the server ends to the handler instead of throwing", async () => {
    const name = `mitreden_pool_${randomBytes(4).toString("hex")}`;
    const seen: Error[] = [];
    const pool = openPgPool({ connectionString: serverUrl, application_name: name, max: 2 }, (error) => seen.push(error));
    pools.push(pool);
    await pool.query("SELECT 1");
    await terminateSessionsNamed(name);
    await expect.poll(() => seen.length).toBe(1);
    expect((seen[0] as Error & { code?: string }).code).toBe("57P01");
    // The pool drops the dead session and opens a fresh one for the next query.
    const result = await pool.query<{ one: number }>("SELECT 1 AS one");
    expect(result.rows[0]?.one).toBe(1);
    await closePgPool(pool);
  });

  it("resolves at once for a pool that never connected", async () => {
    const pool = openPgPool({ connectionString: serverUrl, max: 1 }, () => undefined);
    await closePgPool(pool);
    expect(pool.totalCount).toBe(0);
  });
});
