import type { MatrixClient } from "matrix-bot-sdk";
import type { Logger } from "../../core/ports/logger.js";
import { cleanDeep } from "../../core/text/clean-text.js";
import { isRateLimited, matrixFailure } from "./matrix-errors.js";
import type { MatrixStorage } from "./matrix-storage.js";

/** A raw Matrix event as /sync and /messages return it, narrowed to what the channel reads. */
export interface RawEvent {
  readonly event_id?: string;
  readonly type: string;
  readonly sender: string;
  readonly state_key?: string;
  readonly origin_server_ts?: number;
  readonly content: Record<string, unknown>;
  readonly unsigned?: Record<string, unknown>;
}

interface SyncRoom {
  timeline?: { events?: RawEvent[]; limited?: boolean; prev_batch?: string };
}

export interface SyncResponse {
  next_batch: string;
  rooms?: { join?: Record<string, SyncRoom>; invite?: Record<string, unknown>; leave?: Record<string, unknown> };
}

/** The SDK event names the channel reacts to, with the room they belong to. */
export type RoomSignal =
  | { readonly kind: "invite"; readonly event: RawEvent }
  | { readonly kind: "message"; readonly event: RawEvent }
  | { readonly kind: "event"; readonly event: RawEvent }
  | { readonly kind: "failed-decryption"; readonly event: RawEvent; readonly error: unknown }
  | { readonly kind: "leave"; readonly event: RawEvent };

/**
 * Handles one signal. Must not reject for ordinary failures (the channel's error boundary catches
 * per event); a rejection means "this batch is not safely handled" and the batch is synced again.
 */
export type RoomSignalHandler = (roomId: string, signal: RoomSignal, context: { readonly initialSync: boolean }) => Promise<void>;

type EmitFn = (name: string, ...payload: unknown[]) => Promise<unknown>;

/** The part of the SDK client the loop drives: its event processing, fed with our sync responses. */
export interface SyncingClient extends MatrixClient {
  processSyncResponse(raw: SyncResponse, emit: EmitFn): Promise<void>;
}

export interface SyncLoopOptions {
  readonly client: SyncingClient;
  readonly storage: MatrixStorage;
  readonly logger: Logger;
  readonly handle: RoomSignalHandler;
  /** Events per room in one sync response; smaller pages are backfilled through /messages. */
  readonly timelineLimit: number;
  /** Long-poll time of each /sync request. */
  readonly pollTimeoutMs: number;
  /** Rooms handled at the same time within one sync batch (events of one room stay in order). */
  readonly roomConcurrency: number;
  /** Pages of /messages fetched per room to close a gap; beyond that the gap is logged. */
  readonly maxBackfillPages?: number;
}

export interface SyncLoop {
  start(): Promise<void>;
  /** Stops after the batch in hand is fully handled and its token saved. */
  stop(): Promise<void>;
  /** Resolves after the next batch that was fully handled (for tests and health checks). */
  nextBatch(): Promise<void>;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

/**
 * The bot's own /sync loop around matrix-bot-sdk's event processing. The SDK's loop saves the token
 * before (or, with persistTokenAfterSync, after) emitting events, but its emit does not wait for
 * async listeners, and on an error it continues with the new token in memory. This loop instead
 * (1) closes gaps of "limited" timelines through /messages, so events that arrived while the bot
 * was offline are all seen, (2) waits for every handler, and (3) saves the next token only then.
 * A crash at any point replays the batch; the core's ProcessedEvent table makes the replay harmless,
 * and replies the crash stopped are sent from the ones the core kept (under the same transaction ids).
 */
export function createSyncLoop(options: SyncLoopOptions): SyncLoop {
  const { client, storage, logger } = options;
  const log = logger.child({ component: "matrix-sync" });
  let running: Promise<void> | undefined;
  let stopping = false;
  let batchWaiters: Array<() => void> = [];
  let signalStop: () => void = () => undefined;
  let stopRequested: Promise<"stop"> = Promise.resolve("stop");

  /** Sleeps, but returns at once when stop() is called. */
  async function pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), stopRequested]);
    clearTimeout(timer);
  }

  async function ensureFilter(userId: string): Promise<string> {
    const wanted = {
      room: { timeline: { limit: options.timelineLimit }, ephemeral: { not_types: ["*"] } },
      presence: { not_types: ["*"] },
    };
    const stored = await storage.getFilter();
    if (stored && JSON.stringify(stored.filter) === JSON.stringify(wanted)) return String(stored.id);
    const created = (await client.doRequest(
      "POST",
      `/_matrix/client/v3/user/${encodeURIComponent(userId)}/filter`,
      null,
      wanted,
    )) as { filter_id: string };
    // The sync token stays valid with a new filter, so it is kept (the SDK would drop it).
    await storage.setFilter({ id: created.filter_id as unknown as number, filter: wanted });
    return created.filter_id;
  }

  /** Fetches the events a limited timeline left out, oldest first, back to the previous token. */
  async function backfill(roomId: string, prevBatch: string, since: string): Promise<RawEvent[]> {
    const maxPages = options.maxBackfillPages ?? 50;
    const older: RawEvent[] = [];
    let from = prevBatch;
    for (let page = 0; page < maxPages; page += 1) {
      const response = (await client.doRequest(
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`,
        { from, to: since, dir: "b", limit: 100 },
      )) as { chunk?: RawEvent[]; end?: string };
      const chunk = response.chunk ?? [];
      older.push(...chunk);
      if (chunk.length === 0 || !response.end || response.end === from) return older.reverse();
      from = response.end;
    }
    log.warn({ roomId, pages: maxPages, events: older.length }, "gap in a room's timeline is longer than the backfill limit; older events are skipped");
    return older.reverse();
  }

  async function closeGaps(response: SyncResponse, since: string | null): Promise<void> {
    if (since === null) return; // the first sync ever starts "now"; there is nothing to catch up on
    for (const [roomId, room] of Object.entries(response.rooms?.join ?? {})) {
      const timeline = room.timeline;
      if (!timeline?.limited || !timeline.prev_batch) continue;
      const missing = await backfill(roomId, timeline.prev_batch, since);
      const known = new Set((timeline.events ?? []).map((e) => e.event_id));
      const fresh = missing.filter((e) => !known.has(e.event_id));
      log.info({ roomId, backfilled: fresh.length }, "closed a gap in a room's timeline");
      timeline.events = [...fresh, ...(timeline.events ?? [])];
    }
  }

  /** Runs each room's signals in order, several rooms at once, and waits for all of them. */
  async function runSignals(signals: Array<{ roomId: string; signal: RoomSignal }>, initialSync: boolean): Promise<void> {
    const byRoom = new Map<string, RoomSignal[]>();
    for (const { roomId, signal } of signals) {
      const list = byRoom.get(roomId) ?? [];
      list.push(signal);
      byRoom.set(roomId, list);
    }
    const rooms = [...byRoom.entries()];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < rooms.length; index = next++) {
        const [roomId, list] = rooms[index]!;
        for (const signal of list) await options.handle(roomId, signal, { initialSync });
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.roomConcurrency, rooms.length) }, worker));
  }

  async function handleBatch(response: SyncResponse, since: string | null): Promise<void> {
    await closeGaps(response, since);
    const signals: Array<{ roomId: string; signal: RoomSignal }> = [];
    const collect: EmitFn = async (name, ...payload) => {
      // The SDK's own listeners (encryption bookkeeping, DM cache) still hear every event.
      client.emit(name, ...payload);
      const [roomId, raw, error] = payload as [string, RawEvent, unknown];
      // What the channel handles is cleaned (NUL, lone surrogates, controls, NFC) before it goes on,
      // so no text from a homeserver reaches the database or a flow as it came.
      const event = cleanDeep(raw);
      switch (name) {
        case "room.invite":
          signals.push({ roomId, signal: { kind: "invite", event } });
          break;
        case "room.message":
          signals.push({ roomId, signal: { kind: "message", event } });
          break;
        case "room.event":
          if (event.type !== "m.room.message") signals.push({ roomId, signal: { kind: "event", event } });
          break;
        case "room.failed_decryption":
          signals.push({ roomId, signal: { kind: "failed-decryption", event, error } });
          break;
        case "room.leave":
          signals.push({ roomId, signal: { kind: "leave", event } });
          break;
      }
    };
    await client.processSyncResponse(response, collect);
    await runSignals(signals, since === null);
  }

  async function loop(): Promise<void> {
    const userId = await client.getUserId();
    let filterId: string | undefined;
    let since = await storage.getSyncToken();
    let backoff = BACKOFF_MIN_MS;
    while (!stopping) {
      try {
        filterId ??= await ensureFilter(userId);
        const query: Record<string, unknown> = { filter: filterId, timeout: since === null ? 0 : options.pollTimeoutMs };
        if (since !== null) query["since"] = since;
        const request = client.doRequest("GET", "/_matrix/client/v3/sync", query, null, options.pollTimeoutMs + 30_000) as Promise<SyncResponse>;
        // On stop, an open long poll is abandoned: its events stay unconfirmed and come again.
        request.catch(() => undefined);
        const response = await Promise.race([request, stopRequested]);
        if (response === "stop" || stopping) break;
        await handleBatch(response, since);
        await storage.setSyncToken(response.next_batch);
        since = response.next_batch;
        backoff = BACKOFF_MIN_MS;
        const waiters = batchWaiters;
        batchWaiters = [];
        for (const resolve of waiters) resolve();
      } catch (error) {
        if (stopping) break;
        const failure = matrixFailure(error);
        const waitMs = isRateLimited(failure) ? (failure.retryAfterMs ?? backoff) : backoff;
        log.warn({ err: error, waitMs, since }, "matrix sync failed; the same batch is fetched again after a pause");
        await pause(waitMs);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  return {
    async start() {
      if (running) return;
      stopping = false;
      stopRequested = new Promise((resolve) => (signalStop = () => resolve("stop")));
      running = loop().catch((error: unknown) => log.error({ err: error }, "matrix sync loop ended unexpectedly"));
    },
    async stop() {
      stopping = true;
      signalStop();
      await running;
      running = undefined;
    },
    nextBatch: () => new Promise<void>((resolve) => batchWaiters.push(resolve)),
  };
}
