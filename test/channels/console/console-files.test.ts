/**
 * Files the core hands over reach the terminal as files on disk: written into the configured
 * folder (created for the owner only), never overwriting an earlier one, with the path shown.
 * Without a folder the terminal tells the core it takes no files.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleChannel, type ConsoleChannel } from "../../../src/channels/console/console-channel.js";
import { safeFileName, writeConsoleFile } from "../../../src/channels/console/console-files.js";
import type { Feature } from "../../../src/core/conversation/feature.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { parseConsoleOutput } from "./console-harness.js";

const BYTES = new TextEncoder().encode(JSON.stringify({ resident: { village: "Großenwörden" } }));

/** Answers /file with a file when the channel takes files, and says so otherwise. */
const fileFeature: Feature = {
  id: "filetest",
  commands: [
    {
      name: "file",
      scope: "any",
      descriptionKey: "help:command",
      beforeOnboarding: true,
      async run(turn) {
        if (!turn.capabilities.files) return turn.reply({ html: "no files here" });
        turn.reply({ html: "Deine Daten", file: { bytes: BYTES, fileName: "../mydata-2026-11-27.json", mimeType: "application/json" } });
      },
    },
  ],
};

function terminal(harness: CoreHarness, filesDir: string | undefined) {
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = "";
  output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
  const channel: ConsoleChannel = createConsoleChannel({
    core: harness.core,
    translator: harness.translator,
    logger: silentLogger,
    input,
    output,
    userId: `console:files${filesDir ? "" : "-none"}`,
    localeHint: "de_DE.UTF-8",
    ...(filesDir ? { filesDir } : {}),
  });
  return {
    channel,
    async type(text: string): Promise<string[]> {
      await channel.idle();
      buffer = "";
      input.write(`${text}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      await channel.idle();
      return parseConsoleOutput(buffer).map((r) => r.text);
    },
  };
}

describe("files in the terminal", () => {
  let harness: CoreHarness;
  let root: string;

  beforeAll(async () => {
    harness = await createCoreHarness({ extraFeatures: [fileFeature] });
    root = await mkdtemp(join(tmpdir(), "mitreden-console-files-"));
  });
  afterAll(async () => {
    await harness?.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("writes the file into a folder only its owner can open, and shows where", async () => {
    const dir = join(root, "data", "exports");
    const user = terminal(harness, dir);
    await user.channel.start();
    try {
      const [answer] = await user.type("/file");
      const path = join(dir, "mydata-2026-11-27.json");
      expect(answer).toContain("Deine Daten");
      expect(answer).toContain(path);
      expect(Buffer.from(await readFile(path)).equals(Buffer.from(BYTES))).toBe(true);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(path)).mode & 0o777).toBe(0o600);

      // A second export of the same day keeps the first.
      const [second] = await user.type("/file");
      expect(second).toContain(join(dir, "mydata-2026-11-27-2.json"));
      expect(Buffer.from(await readFile(path)).equals(Buffer.from(BYTES))).toBe(true);
    } finally {
      await user.channel.stop();
    }
  });

  it("offers no file where no folder is set up", async () => {
    const user = terminal(harness, undefined);
    await user.channel.start();
    try {
      expect(await user.type("/file")).toEqual(["no files here"]);
    } finally {
      await user.channel.stop();
    }
  });

  it("keeps every file inside the folder, whatever its name", async () => {
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("..\\..\\boot.ini")).toBe("boot.ini");
    expect(safeFileName(".hidden")).toBe("hidden");
    expect(safeFileName("Daten für Anna.json")).toBe("Daten_f_r_Anna.json");
    expect(safeFileName("")).toBe("file");
    const dir = join(root, "names");
    const path = await writeConsoleFile(dir, { bytes: BYTES, fileName: "../../escape.json", mimeType: "application/json" });
    expect(path).toBe(join(dir, "escape.json"));
  });
});
