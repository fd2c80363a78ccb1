/**
 * `npm run bench`: runs every benchmark with a fixed seed, prints one table and writes the full
 * result to bench/results/<timestamp>.json. See docs/performance.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runConversationThroughput, type ThroughputResult } from "./conversation-throughput.js";
import { runDelivery } from "./delivery.js";
import { parseBenchArgs, type BenchArgs } from "./lib/args.js";
import { machineInfo } from "./lib/machine.js";
import { renderTable, type BenchResult } from "./lib/report.js";
import { runProcessStartup } from "./process-startup.js";
import { runTelegramPath } from "./telegram-path.js";

/** Runs the selected benchmarks; a failing one is reported and does not stop the others. */
export async function runBenchmarks(args: BenchArgs, progress: (line: string) => void = () => undefined): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const failures: { bench: string; error: string }[] = [];
  const attempt = async <T>(bench: string, work: () => Promise<T>): Promise<T | undefined> => {
    progress(`running ${bench} …`);
    const t0 = performance.now();
    try {
      const value = await work();
      progress(`  ${bench} done in ${Math.round((performance.now() - t0) / 1000)} s`);
      return value;
    } catch (error) {
      failures.push({ bench, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      progress(`  ${bench} FAILED: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const conversation: ThroughputResult[] = [];
  const serverVersions: Record<string, string> = {};
  if (args.only.includes("conversation")) {
    for (const database of args.databases) {
      const result = await attempt(`conversation (${database})`, () =>
        runConversationThroughput({
          database,
          postgresUrl: args.postgresUrl,
          residents: args.residents,
          actionsPerResident: args.actions,
          concurrency: args.concurrency,
          seed: args.seed,
        }),
      );
      if (result) {
        conversation.push(result);
        serverVersions[database] = result.serverVersion;
      }
    }
  }
  const telegram = args.only.includes("telegram")
    ? await attempt("telegram", () =>
        runTelegramPath({
          database: "pglite",
          postgresUrl: args.postgresUrl,
          residents: args.residents,
          actionsPerResident: args.actions,
          concurrency: args.concurrency,
          seed: args.seed,
        }),
      )
    : undefined;
  const deliveryOn = (database: "pglite" | "postgres") =>
    args.only.includes("delivery") && args.databases.includes(database)
      ? attempt(`delivery (${database})`, () =>
          runDelivery({ recipients: args.recipients, limitedRecipients: args.limitedRecipients, postgresUrl: args.postgresUrl, database }),
        )
      : Promise.resolve(undefined);
  const delivery = await deliveryOn("pglite");
  const deliveryPostgres = await deliveryOn("postgres");
  const processResult = args.only.includes("process") ? await attempt("process", () => runProcessStartup()) : undefined;
  return {
    startedAt,
    args,
    machine: machineInfo(),
    serverVersions,
    conversation,
    ...(telegram ? { telegram } : {}),
    ...(delivery ? { delivery } : {}),
    ...(deliveryPostgres ? { deliveryPostgres } : {}),
    ...(processResult ? { process: processResult } : {}),
    failures,
  };
}

export function writeResult(result: BenchResult, outDir = join(import.meta.dirname, "results")): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${result.startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  const result = await runBenchmarks(args, (line) => process.stderr.write(`${line}\n`));
  const file = writeResult(result, args.outDir);
  process.stdout.write(`${renderTable(result)}\n\nFull result: ${file}\n`);
  if (result.failures.length > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
