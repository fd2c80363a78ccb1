/**
 * Counts the database round trips Prisma makes, per unit of work, by wrapping the driver adapter
 * factory Prisma is given. Works the same for the pg and the PGlite adapter, because both go
 * through queryRaw/executeRaw and startTransaction/commit/rollback.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

/** The statement kinds a round trip is classified as; the raw baseline replays the same kinds. */
export type StatementKind = "begin" | "commit" | "rollback" | "select" | "insert" | "update" | "delete" | "other";

/**
 * One round trip. Reads and updates keep their SQL and arguments, so the raw baseline can run the
 * very same statements again; inserts and deletes are replayed on scratch rows (see the benchmark).
 */
export interface Trip {
  readonly kind: StatementKind;
  readonly sql?: string;
  readonly args?: readonly unknown[];
}

export interface QueryMeter {
  /** Runs `work`, recording every round trip it causes; returns its result and the kinds in order. */
  track<T>(work: () => Promise<T>): Promise<{ result: T; trips: Trip[]; driverMs: number }>;
  /** Round trips made outside any tracked work (should stay near zero during a benchmark). */
  readonly untracked: number;
  wrap(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory;
}

export function classifySql(sql: string): StatementKind {
  const word = /^\s*(?:\/\*[\s\S]*?\*\/\s*)?([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase();
  switch (word) {
    case "select":
    case "with":
      return "select";
    case "insert":
      return "insert";
    case "update":
      return "update";
    case "delete":
      return "delete";
    case "begin":
      return "begin";
    case "commit":
      return "commit";
    case "rollback":
      return "rollback";
    default:
      return "other";
  }
}

/** `trace` sees every statement's SQL (for finding what to optimise; not used in timed runs). */
export function createQueryMeter(options: { trace?: (sql: string) => void } = {}): QueryMeter {
  const storage = new AsyncLocalStorage<{ trips: Trip[]; driverMs: number }>();
  // Prisma builds a new SQL string per query; one copy per distinct text keeps memory flat.
  const texts = new Map<string, string>();
  let untracked = 0;
  const record = (kind: StatementKind, sql?: string, args?: readonly unknown[]): void => {
    if (sql !== undefined) options.trace?.(sql);
    const tracked = storage.getStore();
    if (!tracked) {
      untracked += 1;
      return;
    }
    if (sql !== undefined && (kind === "select" || kind === "update")) {
      let text = texts.get(sql);
      if (text === undefined) texts.set(sql, (text = sql));
      tracked.trips.push({ kind, sql: text, args: args ?? [] });
    } else {
      tracked.trips.push({ kind });
    }
  };
  /** Time spent waiting on the driver (round trip, and on PGlite the wait for its one connection). */
  const timed = <T>(call: Promise<T>): Promise<T> => {
    const tracked = storage.getStore();
    if (!tracked) return call;
    const t0 = performance.now();
    return call.finally(() => {
      tracked.driverMs += performance.now() - t0;
    });
  };

  // Proxies keep the adapters' own `this` and every method we do not count.
  function queryable<T extends object>(target: T, extra: Record<string, unknown>): T {
    return new Proxy(target, {
      get(obj, prop, receiver) {
        if (typeof prop === "string" && prop in extra) return extra[prop];
        const value: unknown = Reflect.get(obj, prop, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(obj) : value;
      },
    });
  }

  function wrapTransaction(tx: Transaction): Transaction {
    // With the pg adapter Prisma sends COMMIT itself and commit() only releases the connection;
    // PGlite's adapter ("phantom" transaction statements) sends it inside commit(). Count it once.
    let ended = false;
    const statement = (sql: string, args: readonly unknown[]): void => {
      const kind = classifySql(sql);
      if (kind === "commit" || kind === "rollback") ended = true;
      record(kind, sql, args);
    };
    return queryable(tx, {
      queryRaw: (q: Parameters<Transaction["queryRaw"]>[0]) => (statement(q.sql, q.args), timed(tx.queryRaw(q))),
      executeRaw: (q: Parameters<Transaction["executeRaw"]>[0]) => (statement(q.sql, q.args), timed(tx.executeRaw(q))),
      commit: () => (ended || record("commit"), timed(tx.commit())),
      rollback: () => (ended || record("rollback"), timed(tx.rollback())),
    });
  }

  function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
    return queryable(adapter, {
      queryRaw: (q: Parameters<SqlDriverAdapter["queryRaw"]>[0]) => (record(classifySql(q.sql), q.sql, q.args), timed(adapter.queryRaw(q))),
      executeRaw: (q: Parameters<SqlDriverAdapter["executeRaw"]>[0]) => (record(classifySql(q.sql), q.sql, q.args), timed(adapter.executeRaw(q))),
      startTransaction: async (isolation?: Parameters<SqlDriverAdapter["startTransaction"]>[0]) => {
        record("begin");
        return wrapTransaction(await timed(adapter.startTransaction(isolation)));
      },
    });
  }

  return {
    async track(work) {
      const tracked = { trips: [] as Trip[], driverMs: 0 };
      const result = await storage.run(tracked, work);
      return { result, trips: tracked.trips, driverMs: tracked.driverMs };
    },
    get untracked() {
      return untracked;
    },
    wrap(factory) {
      return queryable(factory, {
        connect: async () => wrapAdapter(await factory.connect()),
      });
    },
  };
}
