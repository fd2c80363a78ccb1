import { AsyncLocalStorage } from "node:async_hooks";
import type { UnitOfWork } from "../core/ports/stores.js";
import type { Logger } from "../core/ports/logger.js";
import { Prisma, type PrismaClient } from "./generated/prisma/client.js";

/** The Prisma client of the running transaction, or the root client outside one. */
export type Db = Prisma.TransactionClient;

/**
 * Gives every store the client of the unit of work it runs in, so a flow's store calls join one
 * transaction without passing a transaction object through the core.
 */
export interface PrismaAccess extends UnitOfWork {
  client(): Db;
}

export interface PrismaAccessOptions {
  /** How often a unit of work is retried after a write conflict (unique race, serialisation). */
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

const RETRYABLE_PRISMA = new Set(["P2002", "P2034"]);
const RETRYABLE_SQLSTATE = new Set(["40001", "40P01", "23505"]);

/** True for errors where running the same unit of work again is safe and may succeed. */
export function isWriteConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (RETRYABLE_PRISMA.has(error.code)) return true;
    const meta = JSON.stringify(error.meta ?? {});
    return [...RETRYABLE_SQLSTATE].some((code) => meta.includes(code));
  }
  return false;
}

export function createPrismaAccess(prisma: PrismaClient, options: PrismaAccessOptions = {}): PrismaAccess {
  const storage = new AsyncLocalStorage<Db>();
  const retries = options.retries ?? 3;
  const timeout = options.timeoutMs ?? 15_000;

  return {
    client: () => storage.getStore() ?? prisma,
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (storage.getStore()) return work();
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await prisma.$transaction((tx) => storage.run(tx, work), { maxWait: timeout, timeout });
        } catch (error) {
          if (attempt >= retries || !isWriteConflict(error)) throw error;
          options.logger?.debug({ attempt, err: error }, "write conflict, running the unit of work again");
        }
      }
    },
  };
}
