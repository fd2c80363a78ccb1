import { vi } from "vitest";
import { runAdmin } from "../../src/admin/cli.js";

/** Runs one admin command in-process, as `npm run admin -- …` would, and captures its output. */
export async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await runAdmin(argv), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
