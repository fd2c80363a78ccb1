import pg from "pg";

export const DEFAULT_TEST_PG_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Whether the PostgreSQL server for tests answers; returns the reason when it does not. */
export async function probePostgres(url = process.env["MITREDEN_TEST_PG_URL"] ?? DEFAULT_TEST_PG_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
