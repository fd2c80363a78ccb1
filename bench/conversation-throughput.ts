/**
 * Benchmark 1: N residents through the real conversation core and storage, with bounded
 * concurrency; then the raw-driver baseline replaying the same round trips as plain SQL on the
 * same database.
 */
import type { ChannelCapabilities } from "../src/core/model/channel-capabilities.js";
import type { InboundEvent } from "../src/core/model/inbound-event.js";
import { flattenChoices } from "../src/core/model/outbound-message.js";
import { systemClock } from "../src/core/ports/clock.js";
import type { Logger } from "../src/core/ports/logger.js";
import { createTranslator } from "../src/i18n/translator.js";
import { buildBenchCore } from "./bench-features.js";
import { openBenchDatabase, type BenchDatabase, type BenchDatabaseKind, type RawQuery } from "./lib/bench-database.js";
import { runBounded } from "./lib/pool.js";
import { createPrng } from "./lib/prng.js";
import { createQueryMeter, type Trip } from "./lib/query-meter.js";
import { ratePerSecond, ratio, round, summarize, type LatencySummary } from "./lib/stats.js";
import { FOUNDATION_ACTIVITIES, runResident, type OfferedChoice, type ResidentIo } from "./resident-mix.js";

export const TELEGRAM_LIKE: ChannelCapabilities = { buttons: true, images: true, html: true, edits: false, files: true, commandPrefix: "/", limits: { textChars: 4096, captionChars: 1024, actionBytes: 64 } };

const noop = () => undefined;
export const benchLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => benchLogger };

export interface ThroughputOptions {
  readonly database: BenchDatabaseKind;
  readonly postgresUrl: string;
  readonly residents: number;
  readonly actionsPerResident: number;
  readonly concurrency: number;
  readonly seed: number;
  /** PostgreSQL pool size; default openDatabase's. */
  readonly poolSize?: number;
}

export interface ThroughputResult {
  readonly database: BenchDatabaseKind;
  readonly serverVersion: string;
  readonly residents: number;
  readonly concurrency: number;
  readonly updates: number;
  readonly elapsedMs: number;
  readonly updatesPerSecond: number;
  readonly latency: LatencySummary;
  /** Share of handling time spent waiting on the database driver (the rest: Prisma, core, i18n). */
  readonly driverShare: number;
  readonly roundTripsPerUpdate: number;
  readonly roundTripsByKind: Readonly<Record<string, number>>;
  readonly untrackedRoundTrips: number;
  readonly covered: readonly string[];
  readonly outcomes: { readonly residentsOnboarded: number; readonly surveyResponses: number; readonly ideasSubmitted: number; readonly supports: number };
  readonly raw: { readonly updatesPerSecond: number; readonly elapsedMs: number; readonly latency: LatencySummary };
  /** Core rate divided by raw rate (target ≥ 0.4). */
  readonly coreToRaw: number;
}

interface UpdateRecord {
  readonly resident: number;
  readonly trips: readonly Trip[];
}

export async function runConversationThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const meter = createQueryMeter();
  const db = await openBenchDatabase({
    kind: options.database,
    postgresUrl: options.postgresUrl,
    meter,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  try {
    const translator = await createTranslator();
    const { core, extra } = await buildBenchCore({ prisma: db.prisma, translator, clock: systemClock, logger: benchLogger });

    const latencies: number[] = [];
    const records: UpdateRecord[] = [];
    let sequence = 0;
    let driverTotalMs = 0;
    const ioFor = (resident: number): ResidentIo => {
      const chatId = String(100_000 + resident);
      const deliver = async (payload: InboundEvent["payload"]): Promise<readonly OfferedChoice[]> => {
        const event: InboundEvent = {
          eventId: `telegram:bench:${resident}:${++sequence}`,
          channel: "telegram",
          chat: { id: chatId, kind: "private" },
          senderId: `telegram:${chatId}`,
          senderName: `Resident ${resident}`,
          localeHint: "de",
          payload,
          receivedAt: new Date(),
        };
        const started = performance.now();
        const { result, trips, driverMs } = await meter.track(() => core.handle(event, TELEGRAM_LIKE));
        latencies.push(performance.now() - started);
        driverTotalMs += driverMs;
        records.push({ resident, trips });
        const withChoices = result.messages.filter((m) => flattenChoices(m).length > 0).at(-1);
        return withChoices ? flattenChoices(withChoices) : [];
      };
      return { text: (text) => deliver({ type: "text", text }), press: (action) => deliver({ type: "action", action }) };
    };

    const plan = { activities: [...FOUNDATION_ACTIVITIES, ...extra.activities], actionsPerResident: options.actionsPerResident };
    const started = performance.now();
    await runBounded(options.residents, options.concurrency, (index) =>
      runResident(index, createPrng(options.seed + index), ioFor(index), plan),
    );
    const elapsedMs = performance.now() - started;

    const byKind: Record<string, number> = {};
    let totalTrips = 0;
    for (const record of records) {
      for (const trip of record.trips) byKind[trip.kind] = (byKind[trip.kind] ?? 0) + 1;
      totalTrips += record.trips.length;
    }
    // What the mix left behind, so a run that silently stopped doing real work shows.
    const outcomes = {
      residentsOnboarded: await db.prisma.resident.count({ where: { onboardedAt: { not: null } } }),
      surveyResponses: await db.prisma.surveyResponse.count(),
      ideasSubmitted: await db.prisma.idea.count({ where: { status: "pending" } }),
      supports: await db.prisma.support.count(),
    };
    const raw = await runRawBaseline(db, records, options);
    const updatesPerSecond = ratePerSecond(records.length, elapsedMs);
    return {
      database: options.database,
      serverVersion: await db.serverVersion(),
      residents: options.residents,
      concurrency: options.concurrency,
      updates: records.length,
      elapsedMs: round(elapsedMs, 0),
      updatesPerSecond,
      latency: summarize(latencies),
      driverShare: ratio(driverTotalMs, latencies.reduce((a, b) => a + b, 0)),
      roundTripsPerUpdate: round(totalTrips / Math.max(1, records.length), 2),
      roundTripsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v / Math.max(1, records.length), 2)])),
      untrackedRoundTrips: meter.untracked,
      covered: extra.covered,
      outcomes,
      raw,
      coreToRaw: ratio(updatesPerSecond, raw.updatesPerSecond),
    };
  } finally {
    await db.close();
  }
}

/** Prisma's arguments as the drivers take them (both accept ISO timestamps and JSON text). */
function driverArg(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(driverArg);
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return value;
}

/**
 * The raw-driver baseline: each update's round trips again, in the same order, inside the same
 * transaction bracket, with the same per-chat ordering and concurrency, as plain SQL on the same
 * database. Reads and updates run the very statements Prisma sent, with the same arguments, on the
 * same rows (so the database does the same work); inserts and deletes cannot be repeated without
 * clashing with the rows they made, so they write real rows into a scratch table instead.
 */
async function runRawBaseline(
  db: BenchDatabase,
  records: readonly UpdateRecord[],
  options: ThroughputOptions,
): Promise<ThroughputResult["raw"]> {
  await db.rawQuery("CREATE TABLE bench_raw_event (id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload jsonb)");
  // Per resident, updates run one after another, as in the core run (one chat, one turn at a time).
  const byResident = new Map<number, UpdateRecord[]>();
  for (const record of records) {
    const list = byResident.get(record.resident);
    if (list) list.push(record);
    else byResident.set(record.resident, [record]);
  }
  const residents = [...byResident.keys()];
  const latencies: number[] = [];
  let eventSeq = 0;

  const statement = async (query: RawQuery, trip: Trip, key: string): Promise<unknown> => {
    switch (trip.kind) {
      case "select":
      case "update":
        return query(trip.sql ?? "SELECT 1", (trip.args ?? []).map(driverArg));
      case "insert":
        return query("INSERT INTO bench_raw_event (id, payload) VALUES ($1, $2)", [`e${++eventSeq}`, JSON.stringify({ key })]);
      case "delete":
        return query("DELETE FROM bench_raw_event WHERE id = $1", [`missing-${eventSeq}`]);
      default:
        return query("SELECT 1");
    }
  };

  const started = performance.now();
  await runBounded(residents.length, options.concurrency, async (i) => {
    const resident = residents[i] as number;
    const key = `r${resident}`;
    for (const record of byResident.get(resident) ?? []) {
      const inner = record.trips.filter((t) => t.kind !== "begin" && t.kind !== "commit" && t.kind !== "rollback");
      const t0 = performance.now();
      if (record.trips.some((t) => t.kind === "begin")) {
        await db.rawTransaction(async (query) => {
          for (const trip of inner) await statement(query, trip, key);
        });
      } else {
        for (const trip of inner) await statement(db.rawQuery, trip, key);
      }
      latencies.push(performance.now() - t0);
    }
  });
  const elapsedMs = performance.now() - started;
  await db.rawQuery("DROP TABLE bench_raw_event");
  return { updatesPerSecond: ratePerSecond(records.length, elapsedMs), elapsedMs: round(elapsedMs, 0), latency: summarize(latencies) };
}
