import { MATRIX_CAPABILITIES } from "../../../src/channels/matrix/render-message.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import { matrixSkipReason, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, MatrixHttpError, type TestUser } from "../../support/matrix/test-user.js";
import { createTestClock } from "../../support/core-harness.js";
import { createBotWorld, openDirectChat, say } from "../../channels/matrix/matrix-harness.js";
import { fullFeatures } from "./full-features.js";
import { onboardThroughCore } from "./onboard-through-core.js";
import { runHostileSuite, type HostileDriver } from "./hostile-suite.js";

const env = matrixTestEnv();

/** Matrix against a real Synapse: residents are plain HTTP clients in direct chats with the bot. */
runHostileSuite(
  "Matrix",
  async (): Promise<HostileDriver> => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    const world = await createBotWorld(env!.baseUrl, bot, {}, {
      extraFeatures: async ({ access, translator }) => fullFeatures({ access, translator, stores: createFoundationStores(access), clock: createTestClock(new Date()) }),
    });
    await world.startChannel();
    const join = async (name: string): Promise<{ user: TestUser; roomId: string }> => {
      const user = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart(name))) });
      const { roomId } = await openDirectChat(world, user);
      return { user, roomId };
    };
    const eve = await join("eve");
    const bert = await join("bert");
    for (const [who, locale] of [[eve, "en"], [bert, "de"]] as const) {
      await onboardThroughCore(world.core, MATRIX_CAPABILITIES, { channel: "matrix", chat: { id: who.roomId, kind: "private" }, senderId: `matrix:${who.user.userId}` }, locale);
    }
    /** The homeserver itself may refuse what no client can send; that is not the bot's answer. */
    const refusedByHomeserver = (error: unknown) => error instanceof MatrixHttpError && error.status >= 400;
    const texts = (replies: Awaited<ReturnType<typeof say>>) => replies.map((r) => r.text);
    return {
      access: world.access,
      translator: world.translator,
      carries: (input) => input.kind !== "button-data",
      async attack(input) {
        if (input.kind === "button-data") throw new Error("Matrix has no buttons");
        if (input.kind === "named-text") {
          try {
            await eve.user.setDisplayName(input.name);
          } catch (error) {
            if (!refusedByHomeserver(error)) throw error;
            process.stderr.write(`[hostile:Matrix] Synapse refused the display name ${JSON.stringify(input.name)}; sending the text with a plain name\n`);
          }
        }
        try {
          return texts(await say(world, eve.user, eve.roomId, input.text));
        } catch (error) {
          if (!refusedByHomeserver(error)) throw error;
          process.stderr.write(`[hostile:Matrix] Synapse refused ${JSON.stringify(input.text.slice(0, 40))} (${String(error)})\n`);
          return "refused-by-platform";
        }
      },
      bystanderHelp: async () => texts(await say(world, bert.user, bert.roomId, "!help")),
      dispose: () => world.dispose(),
    };
  },
  env ? {} : { skip: matrixSkipReason() },
);
