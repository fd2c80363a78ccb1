/**
 * node-postgres pools that neither crash the process nor outlive their `close`.
 *
 * Why this exists: `pg.Pool#end()` resolves as soon as its idle clients are asked to end, not when
 * their sockets are closed. A server that terminates those sessions in that window (a restart, or
 * `DROP DATABASE … WITH (FORCE)` right after closing) makes the half-closed client emit 'error';
 * the pool forwards it as its own 'error' event, and a pool without a listener turns that into an
 * uncaught exception.
 */
import pg, { type PoolConfig } from "pg";

/** Called with an error of a connection the pool held idle; the pool has already dropped it. */
export type IdleErrorHandler = (error: Error) => void;

/** Opens a pool that hands the errors of idle connections to `onIdleError` instead of throwing. */
export function openPgPool(config: PoolConfig, onIdleError: IdleErrorHandler): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", onIdleError);
  return pool;
}

/** How long `closePgPool` waits for sockets to close before it gives up waiting. */
const CLOSE_WAIT_MS = 5000;

/**
 * Ends the pool and waits until every connection it held has closed, so that whatever follows
 * (dropping the database, exiting) cannot race the closing sockets.
 */
export async function closePgPool(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let removed = 0;
  let timer: NodeJS.Timeout | undefined;
  const allClosed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    pool.on("remove", () => {
      removed += 1;
      if (removed >= open) resolve();
    });
    // A client whose socket never reports its end must not hold a shutdown forever.
    timer = setTimeout(resolve, CLOSE_WAIT_MS);
    timer.unref();
  });
  try {
    await pool.end();
    await allClosed;
  } finally {
    clearTimeout(timer);
  }
}
