/**
 * Runs every benchmark at a tiny size through the same code as `npm run bench`, so the benchmarks
 * cannot rot. No timing assertions: only that each runs and yields well-formed numbers.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/lib/args.js";
import { renderTable, type BenchResult } from "../../bench/lib/report.js";
import { runBenchmarks, writeResult } from "../../bench/run.js";
import { probePostgres } from "../support/postgres-probe.js";

const outDir = mkdtempSync(join(tmpdir(), "mitreden-bench-smoke-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const positive = (value: number) => expect(Number.isFinite(value) && value > 0, String(value)).toBe(true);

describe("npm run bench at tiny size", () => {
  let result: BenchResult;

  it("runs every benchmark without failures", async () => {
    const withPostgres = (await probePostgres()) === null;
    const args = parseBenchArgs([
      "--residents", "20", "--actions", "4", "--concurrency", "8",
      "--recipients", "200", "--limited-recipients", "20", "--out", outDir,
      ...(withPostgres ? [] : ["--no-postgres"]),
    ]);
    result = await runBenchmarks(args);
    expect(result.failures).toEqual([]);
    expect(result.conversation.map((c) => c.database)).toEqual(args.databases);
    expect(result.deliveryPostgres !== undefined).toBe(args.databases.includes("postgres"));
  }, 600_000);

  it("yields well-formed numbers", () => {
    for (const c of result.conversation) {
      // 4 onboarding updates and at least one per activity, for every resident.
      expect(c.updates).toBeGreaterThanOrEqual(20 * (4 + 4));
      positive(c.updatesPerSecond);
      positive(c.raw.updatesPerSecond);
      positive(c.coreToRaw);
      positive(c.roundTripsPerUpdate);
      expect(c.latency.p50Ms).toBeLessThanOrEqual(c.latency.p99Ms);
      expect(c.latency.count).toBe(c.updates);
      expect(c.outcomes.residentsOnboarded).toBe(20);
    }
    const t = result.telegram!;
    expect(t.core.updates).toBe(t.baseline.updates);
    positive(t.core.updatesPerSecond);
    positive(t.baseline.updatesPerSecond);
    positive(t.core.latency.p99Ms);
    const d = result.delivery!;
    if (d.status === "measured") {
      expect(d.unlimited.delivered).toBe(200);
      expect(d.limited.delivered).toBe(20);
      positive(d.unlimited.messagesPerSecond);
      positive(d.unlimited.peakRssMb);
      positive(d.limited.share);
    } else {
      expect(d.reason).toMatch(/not merged/);
    }
    const p = result.process!;
    positive(p.fresh.msToFirstAnswer);
    positive(p.migrated.msToFirstAnswer);
    positive(p.migrated.idleRssMb);
  });

  it("prints one table and writes the JSON result", () => {
    const table = renderTable(result);
    expect(table).toMatch(/^Machine: .+ cores/m);
    expect(table).toContain("| conversation core, pglite");
    expect(table).toContain("| Telegram path");
    expect(table).toContain("| process: npm start");
    const file = writeResult(result, outDir);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as BenchResult;
    expect(parsed.args.seed).toBe(42);
    expect(parsed.conversation.length).toBe(result.conversation.length);
  });
});
