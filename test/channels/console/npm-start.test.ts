import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/** A real `npm start` with no credentials: the terminal chat on the embedded database. */
class Terminal {
  readonly process: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(dataDir: string) {
    this.process = spawn("npm", ["start", "--silent"], {
      cwd: process.cwd(),
      env: { ...process.env, MITREDEN_DATA_DIR: dataDir, LANG: "de_DE.UTF-8", DATABASE_URL: "", TELEGRAM_BOT_TOKEN: "", MATRIX_HOMESERVER_URL: "" },
    });
    this.process.stdout.on("data", (chunk: Buffer) => (this.stdout += chunk.toString("utf8")));
    this.process.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    this.exited = new Promise((resolve) => this.process.on("exit", (code) => resolve(code)));
  }

  /** Waits until stdout (after `from`) contains `text`. */
  async waitFor(text: string, from = 0, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const seen = this.stdout.slice(from);
      if (seen.includes(text)) return seen;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${JSON.stringify(text)}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
  }

  async type(line: string, expect: string): Promise<string> {
    const from = this.stdout.length;
    this.process.stdin.write(`${line}\n`);
    return this.waitFor(expect, from);
  }

  async close(): Promise<number | null> {
    this.process.stdin.end();
    return this.exited;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "mitreden-npm-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start without credentials", () => {
  it("opens the terminal chat on the embedded database and onboards a resident", async () => {
    const terminal = new Terminal(dataDir);
    const greeting = await terminal.waitFor("2. English");
    expect(greeting).toContain("Willkommen bei mitreden");
    expect(greeting).toContain("1. Deutsch");
    const areas = await terminal.type("1", "Hammah");
    expect(areas).toContain("In welchem Ort wohnen Sie?");
    expect(terminal.stdout).not.toMatch(/"level":/); // logs never mix into the chat
    expect(await terminal.close()).toBe(0);
  }, 180_000);

  it("continues onboarding where the resident stopped, after a restart", async () => {
    const terminal = new Terminal(dataDir);
    const resumed = await terminal.waitFor("Hammah");
    expect(resumed).toContain("In welchem Ort wohnen Sie?");
    const areaLine = /(\d+)\. Hammah/.exec(resumed)![1]!;
    await terminal.type(areaLine, "Datenschutz");
    const menu = await terminal.type("1", "Hauptmenü");
    expect(menu).toContain("Umfragen");

    const second = new Terminal(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.stderr).not.toContain("could not start");
    expect(second.stderr).toMatch(/is in use by another mitreden process/);

    expect(await terminal.close()).toBe(0);
  }, 180_000);
});
