/**
 * `npm run db:migrate`           applies pending migrations to the configured database
 *                                (DATABASE_URL, else the PGlite folder MITREDEN_DATA_DIR or ./data).
 * `npm run db:migration -- NAME` writes a new migration from the schema/migrations difference.
 * Logs go to stderr (pino); result lines to stdout.
 */
import pino from "pino";
import { openDatabase } from "./database.js";
import { applyMigrations, createMigration, NothingToMigrateError } from "./migrations.js";

const logger = pino({ level: process.env.LOG_LEVEL ?? "info" }, pino.destination(2));

async function apply(): Promise<void> {
  const db = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.MITREDEN_DATA_DIR ?? "./data",
    migrate: false,
    logger,
  });
  try {
    const { applied } = await applyMigrations({ adapterFactory: db.adapterFactory, logger });
    if (applied.length === 0) process.stdout.write(`No pending migrations (${db.kind}).\n`);
    for (const name of applied) process.stdout.write(`Applied ${name}\n`);
  } finally {
    await db.close();
  }
}

async function create(name: string | undefined): Promise<void> {
  if (!name) throw new Error("Usage: npm run db:migration -- NAME");
  const created = await createMigration({ name, logger });
  process.stdout.write(`Created ${created.file}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "apply") await apply();
    else if (command === "create") await create(rest.join(" ").trim() || undefined);
    else throw new Error("Usage: migrate-cli.ts apply | create NAME");
    return 0;
  } catch (error) {
    if (error instanceof NothingToMigrateError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    // The typed errors carry a message written for the operator; print it, details go to the log.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    logger.debug({ err: error }, "migration command failed");
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
