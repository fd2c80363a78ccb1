import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleChannel, type ConsoleChannel } from "../../../src/channels/console/console-channel.js";
import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { parseConsoleOutput } from "./console-harness.js";

describe("terminal lines with NUL and other controls", () => {
  let harness: CoreHarness;
  let channel: ConsoleChannel;
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = "";
  const seen: InboundEvent[] = [];

  beforeAll(async () => {
    harness = await createCoreHarness();
    output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
    const core: ConversationCore = {
      commands: () => harness.core.commands(),
        localeFor: (senderId, hint) => harness.core.localeFor(senderId, hint),
      handle(event, capabilities) {
        seen.push(event);
        return harness.core.handle(event, capabilities);
      },
    };
    channel = createConsoleChannel({ core, translator: harness.translator, logger: silentLogger, input, output, userId: "console:nul", localeHint: "de_DE.UTF-8" });
    await channel.start();
  });
  afterAll(async () => {
    await channel?.stop();
    await harness?.dispose();
  });

  async function type(line: string) {
    buffer = "";
    input.write(`${line}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    await channel.idle();
    return parseConsoleOutput(buffer);
  }

  it("hands the core the line without NUL and controls, in NFC, and answers it", async () => {
    // The greeting asks for the language; "2" with a NUL behind it still picks English.
    const replies = await type("2\u0000\u0007");
    expect(seen.at(-1)?.payload).toEqual({ type: "text", text: "2" });
    expect(replies.map((r) => r.text).join("\n")).toContain("Which village do you live in?");
    await type("Gru\u0308\u00dfe\u0000 aus\u001b Hammah\r");
    expect(seen.at(-1)?.payload).toEqual({ type: "text", text: "Gr\u00fc\u00dfe aus Hammah" });
  });
});
