import { PassThrough } from "node:stream";
import { createConsoleChannel, CONSOLE_CAPABILITIES, MESSAGE_RULE } from "../../../src/channels/console/console-channel.js";
import type { ContractHarness, ContractReply } from "../channel-contract.js";
import type { Feature } from "../../../src/core/conversation/feature.js";
import { createCoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";

/** Splits terminal output into messages (each ends with the rule line) with their numbered choices. */
export function parseConsoleOutput(output: string): ContractReply[] {
  return output
    .split(`\n${MESSAGE_RULE}\n`)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const lines = block.split("\n");
      const choices = lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ""));
      const text = lines.filter((l) => !/^\d+\. /.test(l)).join("\n");
      return { text, choices };
    });
}

/** The terminal channel in-process, fed through streams as stdin/stdout would be. */
export async function createConsoleHarness(options: { extraFeatures?: readonly Feature[] } = {}): Promise<ContractHarness> {
  const core = await createCoreHarness(options.extraFeatures ? { extraFeatures: options.extraFeatures } : {});
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = "";
  output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
  const channel = createConsoleChannel({
    core: core.core,
    translator: core.translator,
    logger: silentLogger,
    input,
    output,
    userId: "console:contract",
    localeHint: "de_DE.UTF-8",
  });
  // The channel greets on start; the contract begins with its own /start, so drop the greeting.
  await channel.start();
  buffer = "";

  const exchange = async (text: string): Promise<ContractReply[]> => {
    buffer = "";
    input.write(`${text}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    await channel.idle();
    return parseConsoleOutput(buffer);
  };
  return {
    capabilities: CONSOLE_CAPABILITIES,
    sendText: exchange,
    choose: (index) => exchange(String(index)),
    async dispose() {
      await channel.stop();
      await core.dispose();
    },
  };
}
