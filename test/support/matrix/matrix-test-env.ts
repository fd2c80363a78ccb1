/**
 * What test files see of the shared Synapse that global-setup.ts starts.
 *
 * @example
 * const env = matrixTestEnv();
 * describe.skipIf(!env)(`bot on Matrix${matrixSkipNote()}`, () => {
 *   it("answers", async () => {
 *     const alice = await env!.registerUser(uniqueLocalpart("alice"));
 *   });
 * });
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { registerSynapseUser, type RegisteredUser, type RegisterUserOptions } from "./synapse.js";

/** Serializable part handed from the global setup to the test workers. */
export interface ProvidedSynapse {
  baseUrl: string;
  serverName: string;
  registrationSharedSecret: string;
}

declare module "vitest" {
  interface ProvidedContext {
    /** null when Matrix end-to-end tests are skipped (see matrixSynapseSkipReason). */
    matrixSynapse: ProvidedSynapse | null;
    matrixSynapseSkipReason: string;
  }
}

export interface MatrixTestEnv extends ProvidedSynapse {
  registerUser(localpart: string, options?: RegisterUserOptions): Promise<RegisteredUser>;
}

/** The shared Synapse, or null when it is unavailable (tests then skip). */
export function matrixTestEnv(): MatrixTestEnv | null {
  // inject() yields undefined when no global setup provided the key (e.g. config without it).
  const provided = inject("matrixSynapse") as ProvidedSynapse | null | undefined;
  if (!provided) return null;
  return {
    ...provided,
    registerUser: (localpart, options) =>
      registerSynapseUser(provided.baseUrl, provided.registrationSharedSecret, localpart, options),
  };
}

/** Why the Matrix tests are skipped, or "" when they run. */
export function matrixSkipReason(): string {
  if (matrixTestEnv()) return "";
  const reason = inject("matrixSynapseSkipReason") as string | undefined;
  return reason ?? "the Synapse global setup (test/support/matrix/global-setup.ts) is not configured";
}

/** " (skipped: <reason>)" for a describe title, or "" when the tests run. */
export function matrixSkipNote(): string {
  const reason = matrixSkipReason();
  return reason === "" ? "" : ` (skipped: ${reason})`;
}

/** Localparts must be unique across test files because they share one homeserver. */
export function uniqueLocalpart(prefix: string): string {
  return `${prefix.toLowerCase()}-${randomBytes(4).toString("hex")}`;
}
