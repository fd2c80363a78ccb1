/**
 * Pre-moderation through Matrix on a real Synapse with the application's real parts: the features
 * of assembleFeatures (outbox publisher included) and the outbox dispatcher sending through the
 * Matrix channel's sender. An admin makes a room of four the moderation room, a resident submits an
 * idea by numbered replies in a direct chat, the card arrives in the room with numbered choices, a
 * moderator of the idea's area approves it by replying "1", and the author is told in the direct
 * chat. A member without the role is refused; a rejection's reason reaches the author in English.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createDispatcher, type Dispatcher } from "../../../src/delivery/dispatcher.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import type { RegisteredUser } from "../../support/matrix/synapse.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { silentLogger } from "../../support/silent-logger.js";
import { samePicture } from "../../support/same-picture.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { botMessages, createBotWorld, openDirectChat, say, seenReply, type BotWorld, type SeenReply, clientApi, inviteBotAndWait } from "./matrix-harness.js";

const env = matrixTestEnv();

function numberOf(replies: readonly SeenReply[], label: string): string {
  for (const reply of [...replies].reverse()) {
    const index = reply.choices.findIndex((c) => c === label || c.includes(label));
    if (index !== -1) return String(index + 1);
  }
  throw new Error(`no choice "${label}" in ${JSON.stringify(replies.map((r) => r.choices))}`);
}

const textOf = (replies: readonly SeenReply[]) => replies.map((r) => r.text).join("\n---\n");


describe.skipIf(!env)(`Matrix channel: moderating ideas in a room through the outbox${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let dispatcher: Dispatcher;
  const users = {} as Record<"anna" | "olga" | "mona" | "paul", { registered: RegisteredUser; user: TestUser }>;
  let modRoom: string;
  let annaRoom: string;

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
    dispatcher = createDispatcher({ access: world.access, senders: [world.channel.sender], logger: silentLogger, idleMs: 50 });
    dispatcher.start();

    for (const name of ["anna", "olga", "mona", "paul"] as const) {
      const registered = await env!.registerUser(uniqueLocalpart(name));
      users[name] = { registered, user: createTestUser({ baseUrl: env!.baseUrl, ...registered }) };
    }
    const { olga, mona, paul } = users;
    const grant = (who: RegisteredUser, role: string, scope: string) =>
      world.testDb.db.prisma.roleAssignment.create({ data: { identity: `matrix:${who.userId}`, role, scope, grantedBy: "test" } });
    await grant(olga.registered, "admin", "*");
    await grant(mona.registered, "moderator", "area:hammah");

    // The room is complete before the bot joins, so it never looks like a direct chat.
    modRoom = await olga.user.createRoom({ name: "Moderation", invite: [mona.registered.userId, paul.registered.userId] });
    await mona.user.joinRoom(modRoom);
    await paul.user.joinRoom(modRoom);
    const path = `/rooms/${encodeURIComponent(modRoom)}/state/m.room.power_levels`;
    const levels = await clientApi(env!.baseUrl, olga.registered, "GET", path);
    const levelUsers = { ...(levels["users"] as Record<string, number>), [mona.registered.userId]: 50 };
    await clientApi(env!.baseUrl, olga.registered, "PUT", path, { ...levels, users: levelUsers });
    await inviteBotAndWait(env!.baseUrl, olga.registered, modRoom, bot.userId);
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await world?.dispose();
  });

  /** Waits until the bot posts a message containing every one of `texts` into the room, as `user` sees it. */
  async function sees(user: TestUser, roomId: string, ...texts: string[]): Promise<SeenReply> {
    const event = await user.waitForMessage(
      roomId,
      (e) => e.sender === world.bot.userId && e.type === "m.room.message" && texts.every((t) => String(e.content["body"]).includes(t)),
      { timeoutMs: 20_000 },
    );
    return seenReply(event);
  }

  /**
   * `user` writes into the moderation room; resolves with the bot's answer containing `texts`. Several
   * people read the room, so answers are picked by content rather than by order.
   */
  async function act(user: TestUser, text: string, ...texts: string[]): Promise<SeenReply> {
    const eventId = await user.sendText(modRoom, text);
    await world.waitHandled(`matrix:${eventId}`);
    return sees(user, modRoom, ...texts);
  }

  const statusOf = async (id: number) => (await world.testDb.db.prisma.idea.findUniqueOrThrow({ where: { id } })).status;

  async function submitIdea(title: string, description: string, photo?: Uint8Array): Promise<number> {
    const anna = users.anna.user;
    const reply = (text: string) => say(world, anna, annaRoom, text);
    let r = await reply("!ideas");
    r = await reply(numberOf(r, "Suggest an idea"));
    expect(textOf(r)).toContain("short title");
    await reply(title);
    r = await reply(description);
    r = await reply(numberOf(r, "Hammah"));
    r = await reply(numberOf(r, "Community and leisure"));
    expect(textOf(r)).toContain("attach a photo");
    if (photo) {
      const url = await anna.uploadMedia(photo, "image/jpeg", "spot.jpg");
      const eventId = await anna.sendImage(annaRoom, url, { body: "spot.jpg", filename: "spot.jpg", info: { mimetype: "image/jpeg", size: photo.length } });
      // One reply with an image: two events, the image and then the text.
      expect(await world.waitHandled(`matrix:${eventId}`)).toBe(1);
      r = await botMessages(anna, annaRoom, world.bot.userId, 2);
      // The preview: the photo as an image event, then the text with its numbered choices.
      expect(r[0]!.event.content["msgtype"]).toBe("m.image");
      expect(await samePicture(await anna.downloadMedia(String(r[0]!.event.content["url"])), photo)).toBe(true);
    } else {
      r = await reply(numberOf(r, "Without photo"));
    }
    r = await reply(numberOf(r, "Send my idea"));
    const match = /idea #(\d+)/.exec(textOf(r));
    if (!match) throw new Error(`not submitted: ${textOf(r)}`);
    return Number(match[1]);
  }

  it("delivers the card with numbered choices into the room; the moderator approves with “1” and the author is told", async () => {
    const { anna, olga, mona } = users;
    await act(olga.user, "!modchat", "Dieser Chat erhält ab jetzt neue Einreichungen");

    ({ roomId: annaRoom } = await openDirectChat(world, anna.user));
    const areas = await say(world, anna.user, annaRoom, "2");
    const privacy = await say(world, anna.user, annaRoom, numberOf(areas, "Hammah"));
    expect(textOf(await say(world, anna.user, annaRoom, numberOf(privacy, "I agree")))).toContain("Hammah");

    const id = await submitIdea("Benches on the hiking trail", "There is no bench along the trail by the Oste to rest on.");
    const card = await sees(mona.user, modRoom, `Neue Idee #${id}`);
    expect(card.text).toContain("Benches on the hiking trail");
    expect(card.choices).toEqual([`Freigeben #${id}`, `Ablehnen #${id}`]);
    expect(await statusOf(id)).toBe("pending");

    await act(mona.user, numberOf([card], "Freigeben"), `Idee #${id} „Benches on the hiking trail“ ist freigegeben`);
    expect(await statusOf(id)).toBe("approved");

    const notice = await sees(anna.user, annaRoom, `Your idea #${id}`, "was approved and is now in the public list");
    expect(notice.choices).toEqual(["Open the idea"]);
    // The notice's numbered choice answers like a reply's would.
    const page = await say(world, anna.user, annaRoom, "1");
    expect(textOf(page)).toContain("There is no bench along the trail");
  });

  it("refuses a member without the role and delivers a rejection's reason to the author in English", async () => {
    const { anna, mona, paul } = users;
    const id = await submitIdea("Floodlight for the football pitch", "The pitch in Hammah needs lights for training in winter.");
    const card = await sees(paul.user, modRoom, `Neue Idee #${id}`);
    expect(card.choices).toEqual([`Freigeben #${id}`, `Ablehnen #${id}`]);

    await act(paul.user, numberOf([card], "Freigeben"), "Das dürfen Sie (hier) nicht.");
    expect(await statusOf(id)).toBe("pending");

    await act(mona.user, `!reject ${id} Flutlicht ist Sache des Sportvereins`, `Idee #${id}`, "Flutlicht ist Sache des Sportvereins");
    expect(await statusOf(id)).toBe("rejected");
    await sees(anna.user, annaRoom, `Your idea #${id}`, "was not published. The moderators' reason: “Flutlicht ist Sache des Sportvereins”");
  });

  it("shows the moderators an idea's photo, sent from a direct chat, before they approve it", async () => {
    const { mona } = users;
    const photo = tinyJpeg(320, 240, "Bushaltestelle Matrix");
    const id = await submitIdea("Shelter at the bus stop", "The bus stop at the school has no roof against the rain.", photo);
    const image = await sees(mona.user, modRoom, "Foto zur Idee „Shelter at the bus stop“");
    expect(image.event.content["msgtype"]).toBe("m.image");
    expect(image.event.content["info"]).toMatchObject({ mimetype: "image/jpeg", w: 320, h: 240 });
    expect(await samePicture(await mona.user.downloadMedia(String(image.event.content["url"])), photo)).toBe(true);
    const card = await sees(mona.user, modRoom, `Neue Idee #${id}`);
    await act(mona.user, numberOf([card], "Freigeben"), `Idee #${id} „Shelter at the bus stop“ ist freigegeben`);
    expect(await statusOf(id)).toBe("approved");
  });
});
