/**
 * Ambiguous numbered replies of staff through the terminal and through Matrix on a real Synapse:
 * moderation cards delivered by the outbox dispatcher through the channel's own sender, then typed
 * numbers. See staff-suite.ts for the cases.
 */
import { PassThrough } from "node:stream";
import { CONSOLE_CAPABILITIES, createConsoleChannel } from "../../../src/channels/console/console-channel.js";
import { MATRIX_CAPABILITIES } from "../../../src/channels/matrix/render-message.js";
import { createDispatcher } from "../../../src/delivery/dispatcher.js";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import { parseConsoleOutput } from "../../channels/console/console-harness.js";
import { botMessages, createBotWorld, openDirectChat, say } from "../../channels/matrix/matrix-harness.js";
import { createCoreHarness } from "../../support/core-harness.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser } from "../../support/matrix/test-user.js";
import { silentLogger } from "../../support/silent-logger.js";
import { fullFeatures } from "../hostile/full-features.js";
import { onboardThroughCore } from "../hostile/onboard-through-core.js";
import { runStaffSuite } from "./staff-suite.js";

const grantAll = async (access: { client(): { roleAssignment: { create(args: unknown): Promise<unknown> } } }, identity: string) => {
  for (const role of ["admin", "council"]) await access.client().roleAssignment.create({ data: { identity, role, scope: "*", grantedBy: "test" } });
};

runStaffSuite("the terminal", async () => {
  const harness = await createCoreHarness({ features: fullFeatures });
  await onboardThroughCore(harness.core, CONSOLE_CAPABILITIES, { channel: "console", chat: { id: "mona", kind: "private" }, senderId: "console:mona" }, "de");
  await grantAll(harness.access, "console:mona");
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = "";
  output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
  const channel = createConsoleChannel({ core: harness.core, translator: harness.translator, logger: silentLogger, input, output, userId: "console:mona", localeHint: "de_DE.UTF-8" });
  await channel.start();
  const dispatcher = createDispatcher({ access: harness.access, senders: [channel.sender], logger: silentLogger });
  const texts = () => parseConsoleOutput(buffer).map((r) => [r.text, ...r.choices.map((c, i) => `${i + 1}. ${c}`)].join("\n"));
  return {
    access: harness.access,
    translator: harness.translator,
    prefix: CONSOLE_CAPABILITIES.commandPrefix,
    async type(text) {
      await channel.idle();
      buffer = "";
      input.write(`${text}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      await channel.idle();
      return texts();
    },
    async deliver(expected) {
      await channel.idle();
      buffer = "";
      let sent = 0;
      for (let round = 0; round < 10 && sent < expected; round += 1) sent += await dispatcher.runOnce();
      return texts();
    },
    async dispose() {
      await channel.stop();
      await harness.dispose();
    },
  };
});

const env = matrixTestEnv();
runStaffSuite(
  `Matrix${matrixSkipNote()}`,
  async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    const world = await createBotWorld(env!.baseUrl, bot, {}, {
      extraFeatures: async ({ access, translator }) =>
        assembleFeatures({ access, stores: createFoundationStores(access), translator, clock: { now: () => new Date() }, logger: silentLogger, organiser: "Samtgemeinde" }).features,
    });
    await world.startChannel();
    const registered = await env!.registerUser(uniqueLocalpart("mona"));
    const mona = createTestUser({ baseUrl: env!.baseUrl, ...registered });
    const { roomId } = await openDirectChat(world, mona);
    const identity = `matrix:${registered.userId}`;
    await onboardThroughCore(world.core, MATRIX_CAPABILITIES, { channel: "matrix", chat: { id: roomId, kind: "private" }, senderId: identity }, "de");
    await grantAll(world.access, identity);
    const dispatcher = createDispatcher({ access: world.access, senders: [world.channel.sender], logger: silentLogger });
    const shown = (replies: readonly { text: string; choices: string[] }[]) => replies.map((r) => [r.text, ...r.choices.map((c, i) => `${i + 1}. ${c}`)].join("\n"));
    return {
      access: world.access,
      translator: world.translator,
      prefix: MATRIX_CAPABILITIES.commandPrefix,
      type: async (text) => shown(await say(world, mona, roomId, text)),
      async deliver(expected) {
        let sent = 0;
        for (let round = 0; round < 10 && sent < expected; round += 1) sent += await dispatcher.runOnce();
        return shown(await botMessages(mona, roomId, bot.userId, expected));
      },
      dispose: () => world.dispose(),
    };
  },
  env ? {} : { skip: "no Synapse" },
);
