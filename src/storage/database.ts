/**
 * Opens mitreden's database: an embedded PGlite folder by default, PostgreSQL when a URL is given.
 * Both use the one `postgresql` schema and migration history; pending migrations apply at open.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Logger } from "pino";
import { PrismaClient } from "./generated/prisma/client.js";
import { applyMigrations, defaultMigrationsDir, migrationsUpToDate, type RowQuery } from "./migrations.js";
import { closePgPool, openPgPool } from "./pg-pool.js";
import { acquireDataDirLock, type DataDirLock } from "./pglite-lock.js";
import { createPgliteMigrationFactory, createPostgresMigrationFactory, type MigrationAdapterFactory } from "./script-adapter.js";

export interface OpenDatabaseOptions {
  /** postgres:// or postgresql:// URL; unset means embedded PGlite. */
  databaseUrl?: string;
  /** PGlite folder (created when missing); default ./data. */
  dataDir?: string;
  /** PGlite in memory, nothing on disk (tests, trying things out). */
  memory?: boolean;
  /** Start an in-memory PGlite from a dump (PGlite `dumpDataDir`), skipping initdb; tests use it. */
  loadDataDir?: Blob;
  /** Apply pending migrations at open; default true. */
  migrate?: boolean;
  migrationsDir?: string;
  logger: Logger;
  /** How long to wait for a PostgreSQL connection; default 5000 ms. */
  connectTimeoutMs?: number;
}

/**
 * An open database.
 *
 * @example
 * const db = await openDatabase({ logger });
 * const areas = await db.prisma.area.findMany();
 * await db.close();
 */
export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** For the schema engine (migrations); PrismaClient has its own. */
  adapterFactory: MigrationAdapterFactory;
  close(): Promise<void>;
}

/**
 * Pooled PostgreSQL connections (pg's default). Every turn holds one for its whole transaction,
 * including the JavaScript between its statements. 20 was measured too (docs/performance.md): on a
 * 2-core machine with the server on it, more connections only added contention (−35 % updates/s).
 */
export const POSTGRES_POOL_SIZE = 10;

/** PostgreSQL could not be reached or refused us; the message names host and database only. */
export class DatabaseConnectionError extends Error {
  override readonly name = "DatabaseConnectionError";

  constructor(
    readonly host: string,
    readonly port: string,
    readonly database: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot connect to PostgreSQL at ${host}:${port}, database "${database}": ${reason}`, options);
  }
}

/** Host, port and database of a URL, for messages: never the password. */
export function describePostgresUrl(databaseUrl: string): { host: string; port: string; database: string } {
  try {
    const url = new URL(databaseUrl);
    return {
      host: url.hostname || "localhost",
      port: url.port || "5432",
      database: decodeURIComponent(url.pathname.replace(/^\//, "")) || "(default)",
    };
  } catch {
    return { host: "(unparsable URL)", port: "?", database: "?" };
  }
}

function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

async function migrateAtOpen(factory: MigrationAdapterFactory, query: RowQuery, options: OpenDatabaseOptions): Promise<void> {
  if (options.migrate === false) return;
  const started = performance.now();
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  if (await migrationsUpToDate(query, migrationsDir)) {
    options.logger.debug({ ms: Math.round(performance.now() - started) }, "database schema is up to date");
    return;
  }
  const { applied } = await applyMigrations({
    adapterFactory: factory,
    migrationsDir,
    logger: options.logger,
  });
  const ms = Math.round(performance.now() - started);
  if (applied.length > 0) options.logger.info({ applied, ms }, "applied database migrations");
  else options.logger.debug({ ms }, "database schema is up to date");
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const inMemory = options.memory === true || options.loadDataDir !== undefined;
  let lock: DataDirLock | undefined;
  let dataDir: string | undefined;
  if (!inMemory) {
    dataDir = resolve(options.dataDir ?? "./data");
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir, options.logger);
  }
  let pglite: PGlite | undefined;
  try {
    pglite = dataDir ? new PGlite(dataDir) : new PGlite(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
    await pglite.waitReady;
    const factory = createPgliteMigrationFactory(pglite);
    const opening = pglite;
    await migrateAtOpen(factory, async (sql) => (await opening.query<Record<string, unknown>>(sql)).rows, options);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const opened = pglite;
    let closing: Promise<void> | undefined;
    options.logger.debug({ dataDir: dataDir ?? "memory" }, "opened PGlite database");
    return {
      prisma,
      kind: "pglite",
      adapterFactory: factory,
      close: () => {
        closing ??= (async () => {
          try {
            await prisma.$disconnect();
            await opened.close();
          } finally {
            lock?.release();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}

async function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): Promise<Database> {
  const where = describePostgresUrl(databaseUrl);
  const timeout = options.connectTimeoutMs ?? 5000;
  const config = { connectionString: databaseUrl, connectionTimeoutMillis: timeout };
  const pool = openPgPool({ ...config, max: POSTGRES_POOL_SIZE }, (error) =>
    options.logger.warn({ err: error, ...where }, "idle PostgreSQL connection failed"),
  );
  try {
    try {
      await pool.query("SELECT 1");
    } catch (error) {
      const reason = error instanceof Error ? error.message || error.name : String(error);
      throw new DatabaseConnectionError(where.host, where.port, where.database, reason, { cause: error });
    }
    const factory = createPostgresMigrationFactory(config);
    await migrateAtOpen(factory, async (sql) => (await pool.query<Record<string, unknown>>(sql)).rows, options);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    let closing: Promise<void> | undefined;
    options.logger.debug(where, "opened PostgreSQL database");
    return {
      prisma,
      kind: "postgres",
      adapterFactory: factory,
      close: () => {
        closing ??= (async () => {
          try {
            await prisma.$disconnect();
          } finally {
            await closePgPool(pool);
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await closePgPool(pool).catch(() => undefined);
    throw error;
  }
}

/**
 * Opens the configured database and applies pending migrations.
 * Throws DataDirLockedError (PGlite folder in use) or DatabaseConnectionError (PostgreSQL).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const url = options.databaseUrl?.trim();
  if (!url) return openPglite(options);
  if (!isPostgresUrl(url)) {
    throw new Error("DATABASE_URL must start with postgres:// or postgresql:// (leave it unset for the embedded database).");
  }
  return openPostgres(url, options);
}
