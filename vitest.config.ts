import { defineConfig } from "vitest/config";
import { probePostgres } from "./test/support/postgres-probe.js";

/** Tests that touch the database run on PGlite and again on the real PostgreSQL server. */
const DATABASE_SUITES = ["test/core/**/*.test.ts", "test/app/**/*.test.ts", "test/storage/**/*.test.ts", "test/delivery/**/*.test.ts", "test/admin/**/*.test.ts", "test/e2e/hostile/**/*.test.ts", "test/e2e/data-rights/**/*.test.ts", "test/e2e/staff/**/*.test.ts", "test/channels/telegram/telegram-hostile-text.test.ts", "test/channels/telegram/telegram-whoami.test.ts", "test/docs/**/*.test.ts"];

function banner(title: string, reason: string, hint: string): void {
  const line = "!".repeat(78);
  process.stderr.write(`\n${line}\n!!  ${title}\n!!  Reason: ${reason}\n!!  ${hint}\n${line}\n\n`);
}

export default defineConfig(async () => {
  const pgProblem = process.env["MITREDEN_SKIP_POSTGRES"] === "1" ? "MITREDEN_SKIP_POSTGRES=1" : await probePostgres();
  if (pgProblem) {
    if (process.env["MITREDEN_REQUIRE_POSTGRES"] === "1") throw new Error(`PostgreSQL is required but unavailable: ${pgProblem}`);
    banner(
      "POSTGRESQL TESTS ARE SKIPPED (the suite runs on PGlite only)",
      pgProblem,
      "Start PostgreSQL on 127.0.0.1:5432 (or set MITREDEN_TEST_PG_URL) to run them.",
    );
  }
  // Generous: on a loaded 2-core machine one PGlite open with its migrations can take a minute; a
  // timeout only guards against a hang and says nothing about speed (benchmarks measure that).
  const shared = { testTimeout: 180_000, hookTimeout: 300_000 };
  // Most tests wait on peers (Synapse, the Bot API server, child processes), so more workers than cores pay off.
  const maxWorkers = Number(process.env["MITREDEN_TEST_WORKERS"] ?? 3);
  return {
    test: {
      maxWorkers,
      projects: [
        {
          test: {
            name: "pglite",
            include: ["test/**/*.test.ts"],
            env: { MITREDEN_TEST_DB: "pglite" },
            // Starts one shared Synapse for the Matrix end-to-end tests (skips loudly when unavailable).
            globalSetup: ["test/support/matrix/global-setup.ts"],
            ...shared,
          },
        },
        ...(pgProblem
          ? []
          : [
              {
                test: {
                  name: "postgres",
                  include: DATABASE_SUITES,
                  exclude: ["test/admin/cli.test.ts", "test/admin/resident-delete-cli.test.ts"],
                  env: { MITREDEN_TEST_DB: "postgres" },
                  // The hostile-input suite drives Matrix on this database too.
                  globalSetup: ["test/support/matrix/global-setup.ts"],
                  ...shared,
                },
              },
            ]),
      ],
    },
  };
});
