/**
 * vitest globalSetup: provisions Synapse (scripts/provision-synapse.sh), starts one shared
 * homeserver for the whole run and hands its coordinates to tests through provide/inject.
 *
 * Skips (with a loud banner, never silently) when MITREDEN_SKIP_SYNAPSE=1 or provisioning fails.
 * MITREDEN_REQUIRE_SYNAPSE=1 (meant for CI) turns such a skip into a failed run instead.
 * A Synapse that was provisioned but does not start is a broken harness and fails the run.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
// Type-only: brings the ProvidedContext augmentation into view without loading vitest's runtime here.
import type { ProvidedSynapse } from "./matrix-test-env.js";
import { startSynapse, type SynapseInstance } from "./synapse.js";

const PROVISION_SCRIPT = fileURLToPath(new URL("../../../scripts/provision-synapse.sh", import.meta.url));

function banner(reason: string, hint: string): void {
  const line = "!".repeat(78);
  process.stderr.write(
    `\n${line}\n!!  MATRIX END-TO-END TESTS ARE SKIPPED\n!!  Reason: ${reason}\n!!  ${hint}\n${line}\n\n`,
  );
}

/** Runs the provisioning script; resolves to the venv python or rejects with the reason. */
function provision(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [PROVISION_SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderrTail = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      // Progress lines go straight through so a slow first install is visibly not a hang.
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-2_000);
    });
    // Bounded: a fresh install takes well under a minute here; 10 minutes means something hangs.
    const timer = setTimeout(() => child.kill("SIGKILL"), 10 * 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${PROVISION_SCRIPT}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const python = /^SYNAPSE_PYTHON=(.+)$/m.exec(stdout)?.[1]?.trim();
      if (code === 0 && python) {
        resolve(python);
        return;
      }
      const lastError = /ERROR: (.+)/.exec(stderrTail)?.[1];
      reject(new Error(lastError ?? `provisioning exited with code ${code} (signal ${signal})`));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const skip = (reason: string, hint: string): (() => Promise<void>) => {
    if (process.env["MITREDEN_REQUIRE_SYNAPSE"] === "1") {
      throw new Error(`MITREDEN_REQUIRE_SYNAPSE=1 but Synapse is unavailable: ${reason}`);
    }
    banner(reason, hint);
    project.provide("matrixSynapse", null);
    project.provide("matrixSynapseSkipReason", reason);
    return async () => {};
  };

  if (process.env["MITREDEN_SKIP_SYNAPSE"] === "1") return skip("MITREDEN_SKIP_SYNAPSE=1 is set", "Unset it to run them.");

  let python: string;
  try {
    python = await provision();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return skip(`Synapse could not be provisioned: ${why}`, "Run scripts/provision-synapse.sh by hand to see the problem.");
  }

  const synapse: SynapseInstance = await startSynapse({ python, rateLimits: "off" });
  const provided: ProvidedSynapse = {
    baseUrl: synapse.baseUrl,
    serverName: synapse.serverName,
    registrationSharedSecret: synapse.registrationSharedSecret,
  };
  project.provide("matrixSynapse", provided);
  project.provide("matrixSynapseSkipReason", "");
  return () => synapse.stop();
}
