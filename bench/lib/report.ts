/** The one table `npm run bench` prints (Markdown, so it can go into docs/performance.md as is). */
import type { ThroughputResult } from "../conversation-throughput.js";
import type { DeliveryResult } from "../delivery.js";
import type { ProcessStartupResult } from "../process-startup.js";
import type { TelegramPathResult } from "../telegram-path.js";
import type { BenchArgs } from "./args.js";
import type { MachineInfo } from "./machine.js";

export interface BenchResult {
  readonly startedAt: string;
  readonly args: BenchArgs;
  readonly machine: MachineInfo;
  readonly serverVersions: Readonly<Record<string, string>>;
  readonly conversation: readonly ThroughputResult[];
  readonly telegram?: TelegramPathResult;
  readonly delivery?: DeliveryResult;
  /** The same delivery benchmark on PostgreSQL (the set-up for large audiences). */
  readonly deliveryPostgres?: DeliveryResult;
  readonly process?: ProcessStartupResult;
  readonly failures: readonly { readonly bench: string; readonly error: string }[];
}

const pct = (value: number) => `${Math.round(value * 1000) / 10} %`;
const num = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 1 });
const ok = (pass: boolean) => (pass ? "✅" : "❌");

export function renderTable(result: BenchResult): string {
  const m = result.machine;
  const lines: string[] = [];
  lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.platform}`);
  lines.push(
    `Versions: Node ${m.node}, Prisma ${m.prisma}, PGlite ${m.pglite}, grammY ${m.grammy}` +
      Object.entries(result.serverVersions).map(([k, v]) => `, ${k}: ${v}`).join(""),
  );
  lines.push(`Run: ${result.startedAt}, seed ${result.args.seed}, ${result.args.residents} residents × (4 onboarding + ${result.args.actions} activities), ${result.args.concurrency} in flight`);
  lines.push("");
  lines.push("| benchmark | measured | baseline in the same run | ratio | target |");
  lines.push("|---|---|---|---|---|");
  for (const c of result.conversation) {
    lines.push(
      `| conversation core, ${c.database} (${num(c.updates)} updates) | ${num(c.updatesPerSecond)} updates/s; latency p50 ${num(c.latency.p50Ms)} ms, p99 ${num(c.latency.p99Ms)} ms | raw driver, same ${num(c.roundTripsPerUpdate)} round trips/update: ${num(c.raw.updatesPerSecond)} updates/s (p99 ${num(c.raw.latency.p99Ms)} ms) | ${pct(c.coreToRaw)} ${ok(c.coreToRaw >= 0.4)} | ≥ 40 % of raw; p99 < 50 ms ${ok(c.latency.p99Ms < 50)} |`,
    );
  }
  const t = result.telegram;
  if (t) {
    lines.push(
      `| Telegram path, grammY over HTTP, ${t.database} (${num(t.core.updates)} updates) | ${num(t.core.updatesPerSecond)} updates/s; update → last reply p50 ${num(t.core.latency.p50Ms)} ms, p99 ${num(t.core.latency.p99Ms)} ms | plain grammY bot, one sendMessage per update: ${num(t.baseline.updatesPerSecond)} updates/s (p50 ${num(t.baseline.latency.p50Ms)} ms, p99 ${num(t.baseline.latency.p99Ms)} ms) | ${pct(t.coreToBaseline)} | — |`,
    );
  }
  for (const d of [result.delivery, result.deliveryPostgres]) {
    if (d?.status === "measured") {
      const u = d.unlimited;
      lines.push(
        `| delivery (${d.database}), limits off: 1 publish → ${num(u.recipients)} chats | ${num(u.messagesPerSecond)} messages/s (publish ${num(u.publishMs)} ms, sending ${num(u.sendMs / 1000)} s); peak RSS ${num(u.peakRssMb)} MB (after publish ${num(u.memory.afterPublishMb)} MB; at the peak JS heap ${num(u.memory.atPeak.heapUsedMb)} MB, ArrayBuffers ${num(u.memory.atPeak.arrayBuffersMb)} MB); ${num(u.tooManyRequests)} × 429 | Telegram paid broadcast: 1,000/s | ${pct(u.messagesPerSecond / 1000)} ${ok(u.messagesPerSecond >= 1000)} | ≥ 1,000/s; RSS < 250 MB ${ok(u.peakRssMb < 250)} |`,
      );
      const l = d.limited;
      lines.push(
        `| delivery (${d.database}), default limits on, server enforcing Telegram's limits: 1 publish → ${num(l.recipients)} chats (fewer: at 30/s, 100,000 would take ~55 min) | ${num(l.achievedPerSecond)} messages/s (${pct(l.achievedPerSecond / 30)} of Telegram's 30/s); ${num(l.tooManyRequests)} × 429 | configured limit ${num(l.configuredPerSecond)}/s | ${pct(l.share)} ${ok(l.share >= 0.95 && l.share <= 1.0 && l.tooManyRequests === 0)} | 95–100 %, zero 429 |`,
      );
    } else if (d) {
      lines.push(`| delivery | not measured yet (${d.reason}) | — | — | ≥ 1,000/s; 95–100 % of limit; RSS < 250 MB |`);
    }
  }
  const p = result.process;
  if (p) {
    lines.push(
      `| process: npm start (terminal) → greeting, fresh data folder | ${num(p.fresh.msToFirstAnswer)} ms; idle RSS ${num(p.fresh.idleRssMb)} MB (tree ${num(p.fresh.treeRssMb)} MB) | — | — | — |`,
    );
    lines.push(
      `| process: npm start → greeting, migrated data folder | ${num(p.migrated.msToFirstAnswer)} ms; idle RSS ${num(p.migrated.idleRssMb)} MB (tree ${num(p.migrated.treeRssMb)} MB) | — | — | — |`,
    );
  }
  for (const f of result.failures) lines.push(`| ${f.bench} | FAILED: ${f.error.split("\n")[0]} | — | — | — |`);
  return lines.join("\n");
}
