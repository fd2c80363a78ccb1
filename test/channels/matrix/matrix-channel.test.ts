/** The Matrix channel's error boundary against a real Synapse: apologies in the resident's language. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Feature } from "../../../src/core/conversation/feature.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { createBotWorld, openDirectChat, say, type BotWorld } from "./matrix-harness.js";

const env = matrixTestEnv();

/** A command that fails like a bug would. */
const explodingFeature: Feature = {
  id: "explode",
  commands: [
    {
      name: "explode",
      scope: "any",
      descriptionKey: "help:command",
      async run() {
        throw new Error("a bug in a feature");
      },
    },
  ],
};

describe.skipIf(!env)(`Matrix channel: error answers${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let olga: TestUser;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, {}, { extraFeatures: async () => [explodingFeature] });
    await world.startChannel();
    olga = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("olga"))) });
  });
  afterAll(async () => world?.dispose());

  it("apologises in the language the resident chose (Matrix gives no hint; the default is German)", async () => {
    const { roomId } = await openDirectChat(world, olga);
    const areas = await say(world, olga, roomId, "2");
    await say(world, olga, roomId, String(areas.at(-1)!.choices.indexOf("Hammah") + 1));
    await say(world, olga, roomId, "1");
    const apology = await say(world, olga, roomId, "!explode");
    expect(apology.map((r) => r.text)).toEqual([htmlToPlain(world.translator.t("en", "common:apology"))]);
    // The room is the resident's own with the bot, so it is stored as where to reach them.
    const identity = await world.testDb.db.prisma.identity.findUniqueOrThrow({ where: { id: `matrix:${olga.userId}` } });
    expect(identity.privateChatId).toBe(roomId);
  });
});
