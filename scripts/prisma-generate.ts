/**
 * Runs `prisma generate` on machines that cannot download Prisma's native schema engine.
 *
 * `generate` never executes that engine, but the CLI insists on finding a file for it, so we point
 * PRISMA_SCHEMA_ENGINE_BINARY at a placeholder unless the operator configured a real one.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  const dir = join(tmpdir(), "mitreden-prisma");
  mkdirSync(dir, { recursive: true });
  const placeholder = join(dir, "schema-engine-placeholder");
  writeFileSync(placeholder, "#!/bin/sh\necho 'mitreden migrates through the WebAssembly schema engine' >&2\nexit 1\n", {
    mode: 0o755,
  });
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";

const cli = join(process.cwd(), "node_modules", "prisma", "build", "index.js");
const result = spawnSync(process.execPath, [cli, "generate"], { env, stdio: "inherit" });
process.exit(result.status ?? 1);
