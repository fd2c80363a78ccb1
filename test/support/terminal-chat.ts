import { PassThrough } from "node:stream";
import { createConsoleChannel, MESSAGE_RULE, type ConsoleChannel } from "../../src/channels/console/console-channel.js";
import type { CoreHarness } from "./core-harness.js";
import { silentLogger } from "./silent-logger.js";

/** One terminal chat over the harness's core, as stdin/stdout would carry it. */
export interface TerminalChat {
  readonly channel: ConsoleChannel;
  /** Types a line and resolves with the answers as printed, numbered choices included. */
  type(text: string): Promise<string[]>;
  /** Everything printed since the last `type` (e.g. the greeting of start()). */
  output(): string[];
}

/** The printed messages, each with its numbered choices. */
function messages(output: string): string[] {
  return output.split(`\n${MESSAGE_RULE}\n`).map((block) => block.trim()).filter(Boolean);
}

export function terminalChat(harness: Pick<CoreHarness, "core" | "translator">, user: string, localeHint = "de_DE.UTF-8"): TerminalChat {
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = "";
  output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
  const channel = createConsoleChannel({ core: harness.core, translator: harness.translator, logger: silentLogger, input, output, userId: `console:${user}`, localeHint });
  return {
    channel,
    output: () => messages(buffer),
    async type(text) {
      await channel.idle();
      buffer = "";
      input.write(`${text}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      await channel.idle();
      return messages(buffer);
    },
  };
}
