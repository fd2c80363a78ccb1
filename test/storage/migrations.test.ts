import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyMigrations,
  createMigration,
  defaultMigrationsDir,
  diffSchemaAgainstMigrations,
  isEmptyMigrationScript,
  MigrationError,
  migrationsUpToDate,
  migrationTimestamp,
  NothingToMigrateError,
  readMigrationsList,
  snakeMigrationName,
} from "../../src/storage/migrations.js";
import { openDatabase } from "../../src/storage/database.js";
import { createPgliteMigrationFactory, createPostgresMigrationFactory } from "../../src/storage/script-adapter.js";
import { defaultTestPostgresUrl } from "../support/test-database.js";

const logger = pino({ level: "silent" });
const serverUrl = process.env.MITREDEN_TEST_PG_URL ?? defaultTestPostgresUrl;
const foundationTables = ["Area", "Conversation", "Identity", "KeyValue", "LinkCode", "ProcessedEvent", "Resident", "RoleAssignment"];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, "migration.sql"), sql);
}

describe("migration names", () => {
  it("formats the folder timestamp in UTC like Prisma", () => {
    expect(migrationTimestamp(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).toBe("20250102030405");
  });

  it("snake-cases the name", () => {
    expect(snakeMigrationName("Add surveys!")).toBe("add_surveys");
    expect(snakeMigrationName("addSurveyAnswers")).toBe("add_survey_answers");
  });

  it("treats comment-only scripts as empty", () => {
    expect(isEmptyMigrationScript("-- This is an empty migration.\n")).toBe(true);
    expect(isEmptyMigrationScript("  \n")).toBe(true);
    expect(isEmptyMigrationScript("-- x\nCREATE TABLE a (id int);")).toBe(false);
  });
});

describe("the committed migrations", () => {
  it("match the Prisma schema files (drift check: run `npm run db:migration -- NAME` when this fails)", async () => {
    const diff = await diffSchemaAgainstMigrations({ logger });
    expect(isEmptyMigrationScript(diff), `schema and migrations disagree; missing SQL:\n${diff}`).toBe(true);
  }, 120_000);

  it("carry Prisma's lock file for postgresql", async () => {
    const list = await readMigrationsList(defaultMigrationsDir);
    expect(list.lockfile.content).toMatch(/provider = "postgresql"/);
    expect(list.migrationDirectories.map((entry) => entry.path)).toContainEqual(expect.stringMatching(/^\d{14}_init$/));
  });
});

describe("applyMigrations on PGlite", () => {
  it("applies once, then nothing, and the tables exist", async () => {
    const pglite = new PGlite();
    try {
      await pglite.waitReady;
      const factory = createPgliteMigrationFactory(pglite);
      const started = performance.now();
      const first = await applyMigrations({ adapterFactory: factory, logger });
      const firstMs = performance.now() - started;
      const second = await applyMigrations({ adapterFactory: factory, logger });
      expect(first.applied.length).toBeGreaterThan(0);
      expect(first.applied).toContainEqual(expect.stringMatching(/_init$/));
      expect(second.applied).toEqual([]);
      const tables = await pglite.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      expect(tables.rows.map((row) => row.tablename)).toEqual(expect.arrayContaining([...foundationTables, "_prisma_migrations"]));
      const recorded = await pglite.query<{ migration_name: string }>(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
      );
      expect(recorded.rows.map((row) => row.migration_name)).toEqual(first.applied);
      process.stderr.write(`[timing] migrate PGlite in memory: ${firstMs.toFixed(0)} ms (excluding PGlite start)\n`);
    } finally {
      await pglite.close();
    }
  }, 120_000);

  it("does not record a failing migration as applied", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mitreden-mig-"));
    const pglite = new PGlite();
    try {
      await writeMigration(dir, "20250101000000_good", "CREATE TABLE good (id int);");
      await writeMigration(dir, "20250101000001_bad", "CREATE TABLE half (id int);\nSELECT * FROM no_such_table;");
      await pglite.waitReady;
      const factory = createPgliteMigrationFactory(pglite);
      await expect(applyMigrations({ adapterFactory: factory, migrationsDir: dir, logger })).rejects.toThrow(MigrationError);
      await expect(applyMigrations({ adapterFactory: factory, migrationsDir: dir, logger })).rejects.toThrow(/no_such_table|failed/);
      const finished = await pglite.query<{ migration_name: string }>(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL",
      );
      expect(finished.rows.map((row) => row.migration_name)).toEqual(["20250101000000_good"]);
    } finally {
      await pglite.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the check that lets a start skip the schema engine", () => {
  it("says up to date only when every migration of the folder is recorded, finished and unchanged", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mitreden-mig-"));
    const pglite = new PGlite();
    try {
      await pglite.waitReady;
      const query = async (sql: string) => (await pglite.query<Record<string, unknown>>(sql)).rows;
      const factory = createPgliteMigrationFactory(pglite);
      await writeMigration(dir, "20250101000000_first", "CREATE TABLE first (id int);");
      expect(await migrationsUpToDate(query, dir)).toBe(false); // no _prisma_migrations table yet
      await applyMigrations({ adapterFactory: factory, migrationsDir: dir, logger });
      expect(await migrationsUpToDate(query, dir)).toBe(true);

      await writeMigration(dir, "20250101000001_second", "CREATE TABLE second (id int);");
      expect(await migrationsUpToDate(query, dir)).toBe(false); // a new migration is pending
      await applyMigrations({ adapterFactory: factory, migrationsDir: dir, logger });
      expect(await migrationsUpToDate(query, dir)).toBe(true);

      await writeMigration(dir, "20250101000000_first", "CREATE TABLE first (id bigint);");
      expect(await migrationsUpToDate(query, dir)).toBe(false); // edited after it was applied
      await writeMigration(dir, "20250101000000_first", "CREATE TABLE first (id int);");

      await writeMigration(dir, "20250101000002_bad", "SELECT * FROM no_such_table;");
      await expect(applyMigrations({ adapterFactory: factory, migrationsDir: dir, logger })).rejects.toThrow(MigrationError);
      await rm(join(dir, "20250101000002_bad"), { recursive: true });
      expect(await migrationsUpToDate(query, dir)).toBe(false); // a failed attempt stays the engine's to judge
    } finally {
      await pglite.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("agrees with the engine on this project's migrations (checksums computed alike)", async () => {
    const pglite = new PGlite();
    try {
      await pglite.waitReady;
      await applyMigrations({ adapterFactory: createPgliteMigrationFactory(pglite), logger });
      expect(await migrationsUpToDate(async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows)).toBe(true);
    } finally {
      await pglite.close();
    }
  }, 120_000);
});

describe("applyMigrations on PostgreSQL", () => {
  const name = `mitreden_t_mig_${process.pid}_${Date.now()}`;
  let pool: pg.Pool;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    pool = new pg.Pool({ connectionString: databaseUrl(name), connectionTimeoutMillis: 5000 });
  });

  afterAll(async () => {
    await pool?.end();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it("applies once, then nothing, and the tables exist", async () => {
    const factory = createPostgresMigrationFactory({ connectionString: databaseUrl(name) });
    const started = performance.now();
    const first = await applyMigrations({ adapterFactory: factory, logger });
    const firstMs = performance.now() - started;
    const second = await applyMigrations({ adapterFactory: factory, logger });
    expect(first.applied).toContainEqual(expect.stringMatching(/_init$/));
    expect(second.applied).toEqual([]);
    const tables = await pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.rows.map((row) => row.tablename)).toEqual(expect.arrayContaining([...foundationTables, "_prisma_migrations"]));
    process.stderr.write(`[timing] migrate PostgreSQL: ${firstMs.toFixed(0)} ms\n`);
  }, 120_000);

  it("releases the engine's advisory lock, so instances starting together all migrate", async () => {
    const fresh = `${name}_c`;
    await admin(`CREATE DATABASE ${fresh}`);
    const opened = await Promise.allSettled([1, 2, 3].map(() => openDatabase({ databaseUrl: databaseUrl(fresh), logger })));
    try {
      expect(opened.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      const first = opened[0];
      if (first?.status !== "fulfilled") throw new Error("no database opened");
      const db = first.value;
      // pg_locks spans the whole server; other suites migrate their own databases at the same time.
      const locks = await db.prisma.$queryRaw<unknown[]>`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
      expect(locks).toEqual([]);
      const recorded = await db.prisma.$queryRaw<unknown[]>`SELECT migration_name FROM _prisma_migrations`;
      const committed = (await readMigrationsList(defaultMigrationsDir)).migrationDirectories;
      expect(recorded).toHaveLength(committed.length);
    } finally {
      for (const result of opened) if (result.status === "fulfilled") await result.value.close();
      await admin(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`);
    }
  }, 120_000);

  it("runs a script with a semicolon inside a string literal as one script", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mitreden-mig-"));
    try {
      await writeMigration(dir, "20250101000000_literal", "CREATE TABLE note (t text DEFAULT 'a;b');\nINSERT INTO note DEFAULT VALUES;");
      const factory = createPostgresMigrationFactory({ connectionString: databaseUrl(name) });
      const { applied } = await applyMigrations({ adapterFactory: factory, migrationsDir: dir, logger });
      expect(applied).toEqual(["20250101000000_literal"]);
      const rows = await pool.query<{ t: string }>("SELECT t FROM note");
      expect(rows.rows).toEqual([{ t: "a;b" }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("createMigration", () => {
  it("writes Prisma's folder format from the schema, then refuses when nothing changed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mitreden-mig-"));
    try {
      const created = await createMigration({ name: "Init", migrationsDir: dir, logger, now: new Date(Date.UTC(2025, 5, 1, 12, 0, 0)) });
      expect(created.name).toBe("20250601120000_init");
      expect(await readdir(dir)).toEqual(["20250601120000_init", "migration_lock.toml"]);
      expect(await readFile(join(dir, "migration_lock.toml"), "utf8")).toMatch(/^provider = "postgresql"$/m);
      const sql = await readFile(created.file, "utf8");
      expect(sql).toMatch(/CREATE TABLE "Resident"/);
      // Written from the whole schema, it creates every table the committed history creates.
      const committed = (await readMigrationsList(defaultMigrationsDir)).migrationDirectories;
      const committedTables = committed.flatMap((entry) =>
        entry.migrationFile.content.tag === "ok" ? [...entry.migrationFile.content.value.matchAll(/CREATE TABLE "(\w+)"/g)].map((m) => m[1]) : [],
      );
      expect(committedTables.length).toBeGreaterThan(5);
      for (const table of committedTables) expect(sql).toContain(`CREATE TABLE "${table}"`);
      await expect(createMigration({ name: "again", migrationsDir: dir, logger })).rejects.toThrow(NothingToMigrateError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("writes only the difference when the schema grows", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mitreden-mig-"));
    const schemaDir = await mkdtemp(join(tmpdir(), "mitreden-schema-"));
    try {
      const base = "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel A {\n  id Int @id\n}\n";
      await writeFile(join(schemaDir, "schema.prisma"), base);
      await createMigration({ name: "first", migrationsDir: dir, schemaDir, logger, now: new Date(Date.UTC(2025, 0, 1)) });
      await writeFile(join(schemaDir, "extra.prisma"), "model B {\n  id Int @id\n  name String\n}\n");
      const second = await createMigration({ name: "add b", migrationsDir: dir, schemaDir, logger, now: new Date(Date.UTC(2025, 0, 2)) });
      expect(second.name).toBe("20250102000000_add_b");
      expect(second.sql).toMatch(/CREATE TABLE "B"/);
      expect(second.sql).not.toMatch(/CREATE TABLE "A"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(schemaDir, { recursive: true, force: true });
    }
  }, 120_000);
});
