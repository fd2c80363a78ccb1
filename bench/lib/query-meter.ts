/**
 * Counts the database round trips Prisma makes, per unit of work, by wrapping the driver adapter
 * factory Prisma is given. Works the same for the pg and the PGlite adapter, because both go
 * through queryRaw/executeRaw and startTransaction/commit/rollback.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

/** The statement kinds a round trip is classified as; the raw baseline replays the same kinds. */
export type StatementKind = "begin" | "commit" | "rollback" | "select" | "insert" | "update" | "delete" | "other";

export interface QueryMeter {
  /** Runs `work`, recording every round trip it causes; returns its result and the kinds in order. */
  track<T>(work: () => Promise<T>): Promise<{ result: T; trips: StatementKind[] }>;
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

export function createQueryMeter(): QueryMeter {
  const storage = new AsyncLocalStorage<StatementKind[]>();
  let untracked = 0;
  const record = (kind: StatementKind): void => {
    const trips = storage.getStore();
    if (trips) trips.push(kind);
    else untracked += 1;
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
    const statement = (sql: string): void => {
      const kind = classifySql(sql);
      if (kind === "commit" || kind === "rollback") ended = true;
      record(kind);
    };
    return queryable(tx, {
      queryRaw: (q: Parameters<Transaction["queryRaw"]>[0]) => (statement(q.sql), tx.queryRaw(q)),
      executeRaw: (q: Parameters<Transaction["executeRaw"]>[0]) => (statement(q.sql), tx.executeRaw(q)),
      commit: () => (ended || record("commit"), tx.commit()),
      rollback: () => (ended || record("rollback"), tx.rollback()),
    });
  }

  function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
    return queryable(adapter, {
      queryRaw: (q: Parameters<SqlDriverAdapter["queryRaw"]>[0]) => (record(classifySql(q.sql)), adapter.queryRaw(q)),
      executeRaw: (q: Parameters<SqlDriverAdapter["executeRaw"]>[0]) => (record(classifySql(q.sql)), adapter.executeRaw(q)),
      startTransaction: async (isolation?: Parameters<SqlDriverAdapter["startTransaction"]>[0]) => {
        record("begin");
        return wrapTransaction(await adapter.startTransaction(isolation));
      },
    });
  }

  return {
    async track(work) {
      const trips: StatementKind[] = [];
      const result = await storage.run(trips, work);
      return { result, trips };
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
