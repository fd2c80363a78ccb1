/**
 * Pictures residents send the bot on a real Synapse (which serves media only through the
 * authenticated endpoint): JPEG and PNG arrive as the same pictures with their caption, and too large,
 * unsupported or missing media reach the flow as a status. A test-only feature echoes what it got.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHOTO_MAX_BYTES } from "../../../src/core/model/photo.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser, type TimelineEvent } from "../../support/matrix/test-user.js";
import { photoEchoFeature } from "../photo-echo-feature.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { tinyPng } from "../../support/tiny-png.js";
import { samePicture } from "../../support/same-picture.js";
import { createBotWorld, openDirectChat, say, seenReply, type BotWorld, type SeenReply } from "./matrix-harness.js";

const env = matrixTestEnv();

const numberOf = (replies: readonly SeenReply[], label: string): string => {
  for (const reply of [...replies].reverse()) {
    const index = reply.choices.findIndex((c) => c.includes(label));
    if (index !== -1) return String(index + 1);
  }
  throw new Error(`no choice "${label}" in ${JSON.stringify(replies.map((r) => r.choices))}`);
};

describe.skipIf(!env)(`Matrix channel: photos from residents${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let anna: TestUser;
  let room: string;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, {}, { extraFeatures: async () => [photoEchoFeature] });
    await world.startChannel();
    anna = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("anna"))) });
    ({ roomId: room } = await openDirectChat(world, anna));
    const areas = await say(world, anna, room, "2"); // English
    const privacy = await say(world, anna, room, numberOf(areas, "Hammah"));
    await say(world, anna, room, numberOf(privacy, "I agree"));
    const prompt = await say(world, anna, room, "!photoecho");
    expect(prompt.at(-1)!.text).toBe("Send me a photo.");
  });
  afterAll(async () => world?.dispose());

  /** Waits until the bot handled the event; returns its text replies and the images sent before them. */
  async function answerTo(eventId: string): Promise<{ texts: string[]; images: TimelineEvent[] }> {
    const count = await world.waitHandled(`matrix:${eventId}`);
    const texts: string[] = [];
    const images: TimelineEvent[] = [];
    while (texts.length < count) {
      const event = await anna.waitForMessage(room, (e) => e.sender === world.bot.userId && e.type === "m.room.message");
      if (event.content["msgtype"] === "m.image") images.push(event);
      else texts.push(seenReply(event).text);
    }
    return { texts, images };
  }

  it("passes a JPEG with its caption and a PNG without one on as the same pictures", async () => {
    const jpeg = tinyJpeg(16, 8, "Bank am Teich");
    const jpegUrl = await anna.uploadMedia(jpeg, "image/jpeg", "bank.jpg");
    const withCaption = await anna.sendImage(room, jpegUrl, {
      body: "Die Bank am Dorfteich ist kaputt",
      filename: "bank.jpg",
      info: { mimetype: "image/jpeg", size: jpeg.length, w: 16, h: 8 },
    });
    const first = await answerTo(withCaption);
    expect(first.texts).toEqual(["status ok; caption Die Bank am Dorfteich ist kaputt"]);
    expect(first.images).toHaveLength(1);
    expect(first.images[0]!.content["info"]).toMatchObject({ mimetype: "image/jpeg", w: 16, h: 8 });
    expect(await samePicture(await anna.downloadMedia(String(first.images[0]!.content["url"])), jpeg)).toBe(true);

    // Body equal to the file name (and no filename field at all, as older clients send) is no caption.
    const png = tinyPng(6, [10, 120, 200]);
    const pngUrl = await anna.uploadMedia(png, "image/png", "wappen.png");
    const named = await answerTo(await anna.sendImage(room, pngUrl, { body: "wappen.png", filename: "wappen.png", info: { mimetype: "image/png", size: png.length } }));
    expect(named.texts).toEqual(["status ok; caption (none)"]);
    expect(await samePicture(await anna.downloadMedia(String(named.images[0]!.content["url"])), png, 0)).toBe(true);
    const second = await answerTo(await anna.sendImage(room, pngUrl, { body: "wappen.png" }));
    expect(second.texts).toEqual(["status ok; caption (none)"]);

    // An image sent as a file with a picture type counts as well.
    const asFile = await anna.sendMessage(room, { msgtype: "m.file", body: "scan.jpg", info: { mimetype: "image/jpeg" }, url: jpegUrl });
    const third = await answerTo(asFile);
    expect(third.texts).toEqual(["status ok; caption (none)"]);
    expect(await samePicture(await anna.downloadMedia(String(third.images[0]!.content["url"])), jpeg)).toBe(true);
  });

  it("refuses a declared size above the limit without downloading, and a larger body than declared", async () => {
    // The bytes are a fine picture: only the declared size can have led to the refusal.
    const png = tinyPng(4);
    const url = await anna.uploadMedia(png, "image/png");
    const declared = await answerTo(
      await anna.sendImage(room, url, { body: "Riesig", filename: "big.png", info: { mimetype: "image/png", size: PHOTO_MAX_BYTES + 1 } }),
    );
    expect(declared.texts).toEqual(["status too-large; caption Riesig"]);
    expect(declared.images).toHaveLength(0);

    // A client that understates the size: the download stops at the limit.
    const huge = new Uint8Array(PHOTO_MAX_BYTES + 1024);
    huge.set(png);
    const hugeUrl = await anna.uploadMedia(huge, "image/png");
    const understated = await answerTo(await anna.sendImage(room, hugeUrl, { body: "klein.png", info: { mimetype: "image/png", size: 1000 } }));
    expect(understated.texts).toEqual(["status too-large; caption (none)"]);
  });

  it("passes files that are no JPEG or PNG as unsupported", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.4\n% Bebauungsplan\n%%EOF\n");
    const pdfUrl = await anna.uploadMedia(pdf, "application/pdf", "plan.pdf");
    const file = await answerTo(
      await anna.sendMessage(room, { msgtype: "m.file", body: "Der neue Plan", filename: "plan.pdf", info: { mimetype: "application/pdf", size: pdf.length }, url: pdfUrl }),
    );
    expect(file.texts).toEqual(["status unsupported; caption Der neue Plan"]);

    // Declared as an image, but a GIF by its bytes.
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b]);
    const gifUrl = await anna.uploadMedia(gif, "image/gif", "anim.gif");
    const image = await answerTo(await anna.sendImage(room, gifUrl, { body: "anim.gif", info: { mimetype: "image/gif", size: gif.length } }));
    expect(image.texts).toEqual(["status unsupported; caption (none)"]);
  });

  it("answers unavailable for media the homeserver does not have, and keeps working", async () => {
    const missing = await answerTo(await anna.sendImage(room, "mxc://localhost/DoesNotExist0123456789", { body: "weg.jpg", info: { mimetype: "image/jpeg" } }));
    expect(missing.texts).toEqual(["status unavailable; caption (none)"]);
    const notMxc = await answerTo(await anna.sendImage(room, "https://example.org/photo.jpg", { body: "link.jpg" }));
    expect(notMxc.texts).toEqual(["status unavailable; caption (none)"]);

    const jpeg = tinyJpeg(8, 8, "zweiter Versuch");
    const url = await anna.uploadMedia(jpeg, "image/jpeg");
    const after = await answerTo(await anna.sendImage(room, url, { body: "Noch einmal", filename: "again.jpg" }));
    expect(after.texts).toEqual(["status ok; caption Noch einmal"]);
    expect(await samePicture(await anna.downloadMedia(String(after.images[0]!.content["url"])), jpeg)).toBe(true);
  });

  it("ignores images in group rooms", async () => {
    const ben = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("ben"))) });
    // The room is complete before the bot joins, so it never looks like a direct chat.
    const group = await anna.createRoom({ name: "Dorfgruppe", invite: [ben.userId] });
    await ben.joinRoom(group);
    await anna.invite(group, world.bot.userId);
    await anna.waitForMessage(group, (e) => e.type === "m.room.member" && e.sender === world.bot.userId && e.content["membership"] === "join", {
      timeoutMs: 15_000,
    });

    const png = tinyPng(4);
    const url = await anna.uploadMedia(png, "image/png");
    const image = await anna.sendImage(group, url, { body: "Für alle", filename: "alle.png", info: { mimetype: "image/png", size: png.length } });
    // The bot handles a room's events in order, so once the command after it is answered, the image was seen.
    const help = await anna.sendText(group, "!help");
    expect(await world.waitHandled(`matrix:${help}`)).toBeGreaterThan(0);
    expect(world.timesHandled(`matrix:${image}`)).toBe(0);
    const fromBot = await anna.waitForMessage(group, (e) => e.sender === world.bot.userId && e.type === "m.room.message");
    expect(fromBot.content["msgtype"]).not.toBe("m.image");
    expect(String(fromBot.content["body"])).not.toMatch(/^photo /);
  });
});
