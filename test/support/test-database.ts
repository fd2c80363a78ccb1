/**
 * Fresh, migrated databases for tests.
 *
 * Default: an in-memory PGlite. Its initdb costs about 1.5 s, so the first call per process builds
 * one migrated database and dumps it; every later call loads that dump (a few hundred ms) and runs
 * applyMigrations on it, which then applies nothing but still proves the history matches.
 * With MITREDEN_TEST_DB=postgres: a uniquely named database on MITREDEN_TEST_PG_URL's server,
 * migrated at open and dropped on dispose().
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import pino, { type Logger } from "pino";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { applyMigrations, defaultMigrationsDir } from "../../src/storage/migrations.js";
import { createPgliteMigrationFactory } from "../../src/storage/script-adapter.js";

export type TestDatabaseKind = "pglite" | "postgres";

export interface TestDatabase {
  db: Database;
  kind: TestDatabaseKind;
  /** Closes the database; on PostgreSQL also drops it. */
  dispose(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Overrides MITREDEN_TEST_DB. */
  kind?: TestDatabaseKind;
  logger?: Logger;
}

export const defaultTestPostgresUrl = "postgres://postgres@127.0.0.1:5432/test";

/** Which database tests use: MITREDEN_TEST_DB=postgres selects PostgreSQL. */
export function testDatabaseKind(): TestDatabaseKind {
  return process.env.MITREDEN_TEST_DB === "postgres" ? "postgres" : "pglite";
}

const silent = pino({ level: "silent" });

let migratedDump: Promise<Blob> | undefined;

/**
 * Where a migrated dump is shared between test workers: keyed by the migrations' content, so a
 * changed or added migration builds a new one.
 */
function dumpCachePath(): string {
  const hash = createHash("sha256");
  const dir = defaultMigrationsDir;
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, "migration.sql");
    if (existsSync(file)) hash.update(name).update(readFileSync(file));
  }
  return join(tmpdir(), `mitreden-test-pglite-${hash.digest("hex").slice(0, 16)}.tar`);
}

function migratedPgliteDump(logger: Logger): Promise<Blob> {
  migratedDump ??= (async () => {
    const cached = dumpCachePath();
    if (existsSync(cached)) return new Blob([readFileSync(cached)]);
    const pglite = new PGlite();
    try {
      await pglite.waitReady;
      await applyMigrations({ adapterFactory: createPgliteMigrationFactory(pglite), logger });
      const dump = await pglite.dumpDataDir("none");
      const partial = `${cached}.${process.pid}.tmp`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, cached);
      return dump;
    } finally {
      await pglite.close();
    }
  })();
  migratedDump.catch(() => {
    migratedDump = undefined;
  });
  return migratedDump;
}

async function createPgliteTestDatabase(logger: Logger): Promise<TestDatabase> {
  const db = await openDatabase({ loadDataDir: await migratedPgliteDump(logger), logger });
  return { db, kind: "pglite", dispose: () => db.close() };
}

/** URL of the same server with another database name. */
function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createPostgresTestDatabase(logger: Logger): Promise<TestDatabase> {
  const serverUrl = process.env.MITREDEN_TEST_PG_URL ?? defaultTestPostgresUrl;
  // Only [a-z0-9_]: the name goes into SQL unquoted-safe.
  const name = `mitreden_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  let db: Database;
  try {
    db = await openDatabase({ databaseUrl: withDatabase(serverUrl, name), logger });
  } catch (error) {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
  let disposing: Promise<void> | undefined;
  return {
    db,
    kind: "postgres",
    dispose: () => {
      disposing ??= (async () => {
        try {
          await db.close();
        } finally {
          await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      })();
      return disposing;
    },
  };
}

/**
 * @example
 * let t: TestDatabase;
 * beforeEach(async () => { t = await createTestDatabase(); });
 * afterEach(() => t.dispose());
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const logger = options.logger ?? silent;
  const kind = options.kind ?? testDatabaseKind();
  return kind === "postgres" ? createPostgresTestDatabase(logger) : createPgliteTestDatabase(logger);
}
