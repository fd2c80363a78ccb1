import { PassThrough } from "node:stream";
import { CONSOLE_CAPABILITIES, createConsoleChannel, type ConsoleChannel } from "../../../src/channels/console/console-channel.js";
import { createCoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { parseConsoleOutput } from "../../channels/console/console-harness.js";
import { fullFeatures } from "./full-features.js";
import { onboardThroughCore } from "./onboard-through-core.js";
import { runHostileSuite, type HostileDriver } from "./hostile-suite.js";

/** One terminal chat as it reads stdin: bytes in, lines out. */
function terminal(harness: Awaited<ReturnType<typeof createCoreHarness>>, user: string) {
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
    userId: `console:${user}`,
    localeHint: "de_DE.UTF-8",
  });
  return {
    channel,
    async type(text: string): Promise<string[]> {
      await channel.idle();
      buffer = "";
      // Written as the UTF-8 a terminal produces; a lone surrogate cannot be encoded and arrives as U+FFFD.
      input.write(Buffer.from(`${text}\n`, "utf8"));
      await new Promise((resolve) => setImmediate(resolve));
      await channel.idle();
      return parseConsoleOutput(buffer).map((r) => r.text);
    },
  };
}

runHostileSuite("the terminal", async (): Promise<HostileDriver> => {
  const harness = await createCoreHarness({ features: fullFeatures });
  for (const [user, locale] of [["eve", "en"], ["bert", "de"]] as const) {
    await onboardThroughCore(harness.core, CONSOLE_CAPABILITIES, { channel: "console", chat: { id: user, kind: "private" }, senderId: `console:${user}`, localeHint: "de_DE.UTF-8" }, locale);
  }
  const eve = terminal(harness, "eve");
  const bert = terminal(harness, "bert");
  await eve.channel.start();
  await bert.channel.start();
  return {
    access: harness.access,
    translator: harness.translator,
    carries: (input) => input.kind === "text",
    attack: (input) => (input.kind === "text" ? eve.type(input.text) : Promise.reject(new Error("not carried"))),
    bystanderHelp: () => bert.type("/help"),
    async dispose() {
      await eve.channel.stop();
      await bert.channel.stop();
      await harness.dispose();
    },
  };
});
