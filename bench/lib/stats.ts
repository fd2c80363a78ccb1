/** Latency samples and rates, kept as plain numbers so results compare across runs. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    meanMs: round(sorted.length > 0 ? sum / sorted.length : Number.NaN),
  };
}

/** Events per second over a wall-clock span. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? round((count * 1000) / elapsedMs, 1) : Number.NaN;
}

export function ratio(part: number, whole: number): number {
  return whole > 0 ? round(part / whole, 3) : Number.NaN;
}

/** Samples process RSS every `intervalMs` and keeps the peak; stop() returns it in MB. */
export function sampleRss(intervalMs = 50): { stop(): number; peakBreakdown(): MemoryAtPeak } {
  let peak = process.memoryUsage.rss();
  let atPeak = process.memoryUsage();
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) {
      peak = rss;
      // The full breakdown is costlier; taken only when the peak moves.
      atPeak = process.memoryUsage();
    }
  };
  const timer = setInterval(sample, intervalMs);
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return mb(peak);
    },
    peakBreakdown: () => ({ rssMb: mb(peak), heapUsedMb: mb(atPeak.heapUsed), arrayBuffersMb: mb(atPeak.arrayBuffers), externalMb: mb(atPeak.external) }),
  };
}

/** process.memoryUsage() at the RSS peak: JS heap, ArrayBuffers (PGlite's WASM memory is one). */
export interface MemoryAtPeak {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly arrayBuffersMb: number;
  readonly externalMb: number;
}

/** The current RSS in MB. */
export const rssMb = (): number => round(process.memoryUsage.rss() / 1024 / 1024, 1);

export { round };
