/**
 * Room version 12 on a real Synapse (its default): the room's creator has unlimited power and is
 * not listed in the power levels. The creator may subscribe the room to a feed; a plain member
 * may not. Before, the bot read the creator's level as the default 0 and refused them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import type { RegisteredUser } from "../../support/matrix/synapse.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotWorld, say, type BotWorld, clientApi, inviteBotAndWait } from "./matrix-harness.js";

const env = matrixTestEnv();


describe.skipIf(!env)(`Matrix channel: the creator of a version 12 room${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let room: string;
  const people = {} as Record<"carla" | "dora", { registered: RegisteredUser; user: TestUser }>;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, {}, {
      extraFeatures: async ({ access, translator }) =>
        assembleFeatures({
          access,
          stores: createFoundationStores(access),
          translator,
          clock: { now: () => new Date() },
          logger: silentLogger,
          organiser: "Samtgemeinde",
        }).features,
    });
    await world.startChannel();
    for (const name of ["carla", "dora"] as const) {
      const registered = await env!.registerUser(uniqueLocalpart(name));
      people[name] = { registered, user: createTestUser({ baseUrl: env!.baseUrl, ...registered }) };
    }
    const { carla, dora } = people;
    room = await carla.user.createRoom({ name: "Dorfgruppe", invite: [dora.registered.userId] });
    await dora.user.joinRoom(room);
    await inviteBotAndWait(env!.baseUrl, carla.registered, room, bot.userId);
  });
  afterAll(async () => world?.dispose());

  it("lets the creator subscribe the room and refuses a member without power", async () => {
    const { carla, dora } = people;
    const create = await clientApi(env!.baseUrl, carla.registered, "GET", `/rooms/${encodeURIComponent(room)}/state/m.room.create/`);
    expect(Number(create["room_version"])).toBeGreaterThanOrEqual(12);
    const levels = await clientApi(env!.baseUrl, carla.registered, "GET", `/rooms/${encodeURIComponent(room)}/state/m.room.power_levels/`);
    // What made the bot refuse the creator: version 12 does not list creators in the power levels.
    expect((levels["users"] as Record<string, number> | undefined)?.[carla.registered.userId]).toBeUndefined();

    const refused = await say(world, dora.user, room, "!subscribe surveys");
    expect(refused.map((r) => r.text).join("\n")).toContain("nur seine Administratorinnen und Administratoren");

    // Carla's timeline also holds the refusal to Dora: wait for the answer to her own command.
    const eventId = await carla.user.sendText(room, "!subscribe surveys");
    await world.waitHandled(`matrix:${eventId}`);
    const accepted = await carla.user.waitForMessage(room, (e) => e.sender === world.bot.userId && String(e.content["body"]).includes("Abonniert"), { timeoutMs: 20_000 });
    expect(String(accepted.content["body"])).toContain("Umfragen");
    const subscriptions = await world.testDb.db.prisma.subscription.findMany({ where: { chatId: room, active: true } });
    expect(subscriptions.map((s) => s.feed)).toEqual(["surveys"]);
  });
});
