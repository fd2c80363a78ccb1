/** The shared channel contract, driven through a real Synapse by a resident over plain HTTP. */
import { describe, expect } from "vitest";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser } from "../../support/matrix/test-user.js";
import { runChannelContract, type ContractHarness } from "../channel-contract.js";
import { MATRIX_CAPABILITIES } from "../../../src/channels/matrix/render-message.js";
import { botMessages, createBotWorld, lastBotMessages, openDirectChat, type SeenReply } from "./matrix-harness.js";

const env = matrixTestEnv();

async function createMatrixContractHarness(): Promise<ContractHarness> {
  const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
  const world = await createBotWorld(env!.baseUrl, bot);
  await world.startChannel();
  const residentUser = await env!.registerUser(uniqueLocalpart("resident"));
  const resident = createTestUser({ baseUrl: env!.baseUrl, ...residentUser });
  const { roomId } = await openDirectChat(world, resident);
  const tokenKey = `matrix:${bot.userId}:sync-token`;
  let last: { eventId: string; tokenBefore: string } | undefined;
  const plain = (replies: SeenReply[]) => replies.map(({ text, choices }) => ({ text, choices }));

  const sendText = async (text: string) => {
    const tokenBefore = await world.keyValues.get(tokenKey);
    const eventId = `matrix:${await resident.sendText(roomId, text)}`;
    if (typeof tokenBefore === "string") last = { eventId, tokenBefore };
    const count = await world.waitHandled(eventId);
    return plain(await botMessages(resident, roomId, bot.userId, count));
  };

  return {
    capabilities: MATRIX_CAPABILITIES,
    sendText,
    choose: (index) => sendText(String(index)),
    async redeliverLast() {
      if (!last) throw new Error("nothing sent yet");
      // A crash before the token was saved, as the homeserver sees it: the bot syncs from an older
      // token after a restart and gets the same event again.
      await world.channel.stop();
      await world.keyValues.set(tokenKey, last.tokenBefore);
      const before = world.timesHandled(last.eventId);
      const shown = async () => lastBotMessages(env!.baseUrl, residentUser.accessToken, roomId, bot.userId, 50);
      const known = new Set((await shown()).map((reply) => reply.event.event_id));
      await world.startChannel();
      // The bot sends its kept replies again with the transaction ids of the first time, so the
      // homeserver shows nothing new; what the room shows is what counts.
      const resent = await world.waitHandled(last.eventId, { occurrence: before + 1 });
      expect(resent).toBeGreaterThan(0);
      return plain((await shown()).filter((reply) => !known.has(reply.event.event_id)));
    },
    dispose: () => world.dispose(),
  };
}

describe.skipIf(!env)(`Matrix${matrixSkipNote()}`, () => {
  runChannelContract("matrix", createMatrixContractHarness);
});
