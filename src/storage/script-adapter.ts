/**
 * Driver adapter factories fit for the schema engine (migrations), for PGlite and PostgreSQL.
 *
 * Why this exists: the schema engine runs each migration file through the adapter's
 * `executeScript`, and the stock adapters get that wrong in ways that matter here:
 * - pglite-prisma-adapter (0.7.2) starts `exec` without awaiting it, so a failing migration is
 *   recorded in `_prisma_migrations` as applied and its error surfaces as an unhandled rejection;
 * - @prisma/adapter-pg (7.10) splits the script on every ";", which breaks on a semicolon inside a
 *   string literal or a `DO $$ … $$` block.
 * Both databases accept a whole multi-statement script in one simple-protocol call, so we run the
 * script that way and hand every other call to the stock adapter unchanged.
 * Also: the engine never disposes the adapters it connects, so the factory remembers them and
 * `disposeAll()` lets the caller release them when an engine run is over.
 */
import { PGlite } from "@electric-sql/pglite";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type ConnectionInfo,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";
import { closePgPool, openPgPool } from "./pg-pool.js";

/** Runs a multi-statement SQL script; rejects with the database's error. */
export type ScriptRunner = (script: string) => Promise<void>;

/** A migration-aware factory that can release every adapter it handed out. */
export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Disposes every adapter connected so far (idempotent). */
  disposeAll(): Promise<void>;
}

interface PostgresLikeError {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
}

function isPostgresLikeError(error: unknown): error is PostgresLikeError {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as Record<string, unknown>;
  return typeof candidate.code === "string" && typeof candidate.message === "string";
}

/** Converts a PostgreSQL error (pg or PGlite) into the shape the engine reports with its message. */
function toDriverError(error: unknown): unknown {
  if (!isPostgresLikeError(error)) return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: error.code,
    severity: error.severity ?? "ERROR",
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}

class ScriptFixingAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;
  private disposed = false;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly runScript: ScriptRunner,
    private readonly onDispose: () => Promise<void>,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    try {
      await this.runScript(script);
    } catch (error) {
      throw toDriverError(error);
    }
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.inner.dispose();
    await this.onDispose();
  }
}

class TrackingFactory implements MigrationAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  private readonly connected: SqlDriverAdapter[] = [];

  constructor(
    adapterName: string,
    private readonly connectMain: () => Promise<SqlDriverAdapter>,
    private readonly connectShadow: () => Promise<SqlDriverAdapter>,
  ) {
    this.adapterName = adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.connectMain();
    this.connected.push(adapter);
    return adapter;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const adapter = await this.connectShadow();
    this.connected.push(adapter);
    return adapter;
  }

  async disposeAll(): Promise<void> {
    const adapters = this.connected.splice(0);
    await Promise.allSettled(adapters.map((adapter) => adapter.dispose()));
  }
}

/** A shadow database is a throwaway in-memory PGlite, closed when the engine's run is over. */
async function connectPgliteShadow(): Promise<SqlDriverAdapter> {
  const shadow = new PGlite();
  await shadow.waitReady;
  const inner = await new PrismaPGlite(shadow).connect();
  return new ScriptFixingAdapter(inner, (script) => shadow.exec(script).then(() => undefined), () => shadow.close());
}

/**
 * Migration adapter factory over an open PGlite instance.
 *
 * @example
 * const factory = createPgliteMigrationFactory(pglite);
 * await applyMigrations({ adapterFactory: factory, migrationsDir, logger });
 */
export function createPgliteMigrationFactory(
  pglite: PGlite,
  options: { shadow: "fresh" | "self" } = { shadow: "fresh" },
): MigrationAdapterFactory {
  const stock = new PrismaPGlite(pglite);
  const runScript: ScriptRunner = (script) => pglite.exec(script).then(() => undefined);
  const connect = async () => new ScriptFixingAdapter(await stock.connect(), runScript, async () => undefined);
  // "self" serves a throwaway scratch database as its own shadow: a diff from migrations then needs
  // one PGlite start (about 1.5 s) instead of two.
  return new TrackingFactory(stock.adapterName, connect, options.shadow === "self" ? connect : connectPgliteShadow);
}

/**
 * Migration adapter factory for PostgreSQL. Every engine run gets its own single-connection pool,
 * closed by `disposeAll()`: the engine holds a session-level advisory lock while migrating and
 * never unlocks it, so on a shared, long-lived pool the lock would outlive the migration and make
 * every other instance's start-up wait for it. Closing the session releases it. The shadow
 * database, which only a diff needs, is an in-memory PGlite, so no CREATE DATABASE right is needed.
 */
export function createPostgresMigrationFactory(config: PoolConfig): MigrationAdapterFactory {
  const connect = async (): Promise<SqlDriverAdapter> => {
    // A session the server drops while idle surfaces as the failure of the engine's next query.
    const pool = openPgPool({ ...config, max: 1 }, () => undefined);
    try {
      const inner = await new PrismaPg(pool).connect();
      return new ScriptFixingAdapter(inner, (script) => pool.query(script).then(() => undefined), () => closePgPool(pool));
    } catch (error) {
      await closePgPool(pool).catch(() => undefined);
      throw error;
    }
  };
  return new TrackingFactory("@prisma/adapter-pg", connect, connectPgliteShadow);
}
