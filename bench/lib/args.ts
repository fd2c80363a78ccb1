/** `npm run bench -- --residents 1000 --recipients 100000 --quick` */
export type BenchName = "conversation" | "telegram" | "delivery" | "process";
export const ALL_BENCHES: readonly BenchName[] = ["conversation", "telegram", "delivery", "process"];

export interface BenchArgs {
  readonly residents: number;
  readonly actions: number;
  readonly concurrency: number;
  readonly recipients: number;
  readonly limitedRecipients: number;
  readonly seed: number;
  readonly postgresUrl: string;
  readonly databases: readonly ("pglite" | "postgres")[];
  readonly only: readonly BenchName[];
  readonly outDir: string | undefined;
}

export const USAGE = `npm run bench -- [options]
  --residents N           simulated residents (default 1000; --quick 200)
  --actions N             activities per resident after onboarding (default 8)
  --concurrency N         residents in flight at once (default 50)
  --recipients N          chats of the unlimited publish (default 100000; --quick 10000)
  --limited-recipients N  chats of the publish under Telegram's limits (default 600; --quick 150)
  --seed N                PRNG seed (default 42)
  --postgres-url URL      server for the PostgreSQL runs (default postgres://postgres@127.0.0.1:5432/test)
  --no-postgres           PGlite only
  --only a,b              conversation,telegram,delivery,process
  --out DIR               where the JSON result goes (default bench/results)
  --quick                 smaller sizes for a fast look`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (["quick", "no-postgres", "help"].includes(name)) switches.add(name);
    else if (inline !== undefined) flags.set(name, inline);
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
      flags.set(name, value);
      i += 1;
    }
  }
  if (switches.has("help")) throw new Error(USAGE);
  const known = new Set(["residents", "actions", "concurrency", "recipients", "limited-recipients", "seed", "postgres-url", "only", "out"]);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  const quick = switches.has("quick");
  const int = (name: string, fallback: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const only = flags.get("only")?.split(",").map((s) => s.trim()) ?? [...ALL_BENCHES];
  for (const name of only) if (!ALL_BENCHES.includes(name as BenchName)) throw new Error(`--only: unknown benchmark ${name}`);
  return {
    residents: int("residents", quick ? 200 : 1000),
    actions: int("actions", 8),
    concurrency: int("concurrency", 50),
    recipients: int("recipients", quick ? 10_000 : 100_000),
    limitedRecipients: int("limited-recipients", quick ? 150 : 600),
    seed: int("seed", 42),
    postgresUrl: flags.get("postgres-url") ?? "postgres://postgres@127.0.0.1:5432/test",
    databases: switches.has("no-postgres") ? ["pglite"] : ["pglite", "postgres"],
    only: only as BenchName[],
    outDir: flags.get("out"),
  };
}
