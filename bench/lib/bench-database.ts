/**
 * The databases the benchmarks run on, opened the way src/storage/database.ts opens them (same
 * adapters, same pool size, migrations applied) but keeping the raw driver at hand for the
 * baseline and counting Prisma's round trips.
 *
 * PGlite: a fresh temporary data folder (what a municipality runs by default), removed after.
 * PostgreSQL: a fresh database on the given server, dropped after.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import pino from "pino";
import { PrismaClient } from "../../src/storage/generated/prisma/client.js";
import { POSTGRES_POOL_SIZE } from "../../src/storage/database.js";
import { applyMigrations } from "../../src/storage/migrations.js";
import { createPgliteMigrationFactory, createPostgresMigrationFactory } from "../../src/storage/script-adapter.js";
import { closePgPool, openPgPool } from "../../src/storage/pg-pool.js";
import { seedExampleIfEmpty } from "../../src/storage/seed-example.js";
import type { QueryMeter } from "./query-meter.js";

export type BenchDatabaseKind = "pglite" | "postgres";

export type RawQuery = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface BenchDatabase {
  readonly kind: BenchDatabaseKind;
  readonly prisma: PrismaClient;
  /** One transaction on the raw driver (no Prisma): BEGIN, `work`, COMMIT. */
  rawTransaction(work: (query: RawQuery) => Promise<void>): Promise<void>;
  /** A statement outside a transaction on the raw driver. */
  rawQuery: RawQuery;
  /** The server's version string (PGlite reports the PostgreSQL it was built from). */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

export interface OpenBenchDatabaseOptions {
  readonly kind: BenchDatabaseKind;
  /** Server URL for PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/test. */
  readonly postgresUrl: string;
  readonly meter?: QueryMeter;
  /** PostgreSQL pool size; default openDatabase's. */
  readonly poolSize?: number;
  /** PGlite in memory instead of a temporary folder. */
  readonly memory?: boolean;
}

const silent = pino({ level: "silent" });

async function openPgliteBench(options: OpenBenchDatabaseOptions): Promise<BenchDatabase> {
  const dir = options.memory ? undefined : mkdtempSync(join(tmpdir(), "mitreden-bench-pglite-"));
  const pglite = dir ? new PGlite(dir) : new PGlite();
  await pglite.waitReady;
  await applyMigrations({ adapterFactory: createPgliteMigrationFactory(pglite), logger: silent });
  const factory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: options.meter ? options.meter.wrap(factory) : factory });
  await seedExampleIfEmpty(prisma);
  return {
    kind: "pglite",
    prisma,
    rawQuery: (sql, params) => pglite.query(sql, params),
    rawTransaction: async (work) => {
      await pglite.transaction(async (tx) => work((sql, params) => tx.query(sql, params)));
    },
    serverVersion: async () => {
      const result = await pglite.query<{ v: string }>("SELECT current_setting($$server_version$$) AS v");
      return `PGlite ${result.rows[0]?.v ?? "?"}`;
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function openPostgresBench(options: OpenBenchDatabaseOptions): Promise<BenchDatabase> {
  // Only [a-z0-9_], so the name is safe unquoted.
  const name = `mitreden_bench_${randomBytes(5).toString("hex")}`;
  await admin(options.postgresUrl, `CREATE DATABASE ${name}`);
  const drop = () => admin(options.postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  // The same pool settings as openDatabase.
  const config = { connectionString: withDatabase(options.postgresUrl, name), connectionTimeoutMillis: 5000 };
  // Closing drops the database; a session it ends in passing is expected, not a failure.
  const pool = openPgPool({ ...config, max: options.poolSize ?? POSTGRES_POOL_SIZE }, () => undefined);
  try {
    await applyMigrations({ adapterFactory: createPostgresMigrationFactory(config), logger: silent });
    const factory = new PrismaPg(pool);
    const prisma = new PrismaClient({ adapter: options.meter ? options.meter.wrap(factory) : factory });
    await seedExampleIfEmpty(prisma);
    return {
      kind: "postgres",
      prisma,
      rawQuery: (sql, params) => pool.query(sql, params),
      rawTransaction: async (work) => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          try {
            await work((sql, params) => client.query(sql, params));
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK");
            throw error;
          }
        } finally {
          client.release();
        }
      },
      serverVersion: async () => {
        const result = await pool.query<{ v: string }>("SELECT current_setting($$server_version$$) AS v");
        return `PostgreSQL ${result.rows[0]?.v ?? "?"}`;
      },
      close: async () => {
        try {
          await prisma.$disconnect();
          await closePgPool(pool);
        } finally {
          await drop();
        }
      },
    };
  } catch (error) {
    await closePgPool(pool).catch(() => undefined);
    await drop();
    throw error;
  }
}

export function openBenchDatabase(options: OpenBenchDatabaseOptions): Promise<BenchDatabase> {
  return options.kind === "pglite" ? openPgliteBench(options) : openPostgresBench(options);
}
