/**
 * Pre-moderation through Telegram with the application's real parts: the features of
 * assembleFeatures (outbox publisher included), the grammY channel long-polling the loopback Bot
 * API server, and the outbox dispatcher sending through the Telegram sender. An admin makes a
 * supergroup the moderation chat, a resident submits an idea by buttons and typing, the card with
 * Approve / Reject buttons arrives in the group, a moderator of the idea's area approves it there
 * by button, and the author hears of it privately, in their own language. A rejection's reason
 * reaches the author the same way; a group member without the role cannot approve. An idea's
 * photo travels from the resident's chat through the database to the moderators' card, and is
 * published with the idea: upright and without the EXIF (GPS position included) it was sent with.
 */
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createTelegramApi, createTelegramSender } from "../../../src/channels/telegram/telegram-sender.js";
import type { Clock } from "../../../src/core/ports/clock.js";
import { createDispatcher, type Dispatcher } from "../../../src/delivery/dispatcher.js";
import { silentLogger } from "../../support/silent-logger.js";
import { cameraJpeg, exifTags, GPS_POINTER_TAG } from "../../support/camera-photo.js";
import type { SentMessage, TestUser } from "../../support/telegram/bot-api-server.js";
import { buttonsOf, createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

const anna: TestUser = { id: 4501, first_name: "Anna", language_code: "en" }; // author, English
const olga: TestUser = { id: 4502, first_name: "Olga", language_code: "de" }; // admin
const mona: TestUser = { id: 4503, first_name: "Mona", language_code: "de" }; // moderator of Hammah
const paul: TestUser = { id: 4504, first_name: "Paul", language_code: "de" }; // group member, no role
const group = { id: -1004500001, type: "supergroup" as const, title: "Moderation" };

const textOf = (replies: readonly SentMessage[]) => replies.map((m) => m.text ?? m.caption ?? "").join("\n---\n");

describe("moderating ideas through Telegram with the outbox", () => {
  let bed: TelegramTestbed;
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    bed = await createTelegramTestbed({
      features: ({ access, stores, translator, clock }) =>
        assembleFeatures({ access, stores, translator, clock, logger: silentLogger, organiser: "Samtgemeinde" }).features,
    });
    // Runs in real time from the harness's moment on, so published rows are due at once and the
    // real Telegram rate limits (one message per 3 s in a group) pass in real time.
    const offset = bed.harness.clock.now().getTime() - Date.now();
    const clock: Clock = { now: () => new Date(Date.now() + offset) };
    dispatcher = createDispatcher({
      access: bed.harness.access,
      senders: [
        createTelegramSender({
          api: createTelegramApi({ token: bed.server.token, apiRoot: bed.server.url }),
          codec: bed.channel.codec,
          logger: silentLogger,
          botUsername: bed.channel.username,
        }),
      ],
      logger: silentLogger,
      clock,
      idleMs: 50,
    });
    dispatcher.start();

    bed.server.addChat(group);
    for (const user of [olga, mona, paul]) bed.server.setChatMember(group.id, user.id, user === olga ? "administrator" : "member", user);
    const grant = (user: TestUser, role: string, scope: string) =>
      bed.harness.db.prisma.roleAssignment.create({ data: { identity: `telegram:${user.id}`, role, scope, grantedBy: "test" } });
    await grant(olga, "admin", "*");
    await grant(mona, "moderator", "area:hammah");
  });
  afterEach(() => expect(bed.server.internalErrors()).toEqual([]));
  afterAll(async () => {
    await dispatcher?.stop();
    await bed?.dispose();
  });

  /** The user writes (privately, or in the group); resolves with the bot's replies in that chat. */
  async function write(user: TestUser, text: string, inGroup = false): Promise<SentMessage[]> {
    const chatId = inGroup ? group.id : user.id;
    const before = bed.server.sentMessages(chatId).length;
    bed.server.userSendsText(user, inGroup ? group : user.id, text);
    return bed.repliesAfter(chatId, before);
  }

  /** The user presses the button labelled `label` under `message`, in the chat the message is in. */
  async function press(user: TestUser, message: SentMessage | undefined, label: string): Promise<SentMessage[]> {
    const button = buttonsOf(message).find((b) => b.label === label || b.label.includes(label));
    if (!message || !button) throw new Error(`no button "${label}" in ${JSON.stringify(buttonsOf(message).map((b) => b.label))}`);
    const before = bed.server.sentMessages(message.chatId).length;
    bed.server.userPressesButton(user, message.chatId === user.id ? user.id : group, message.messageId, button.data);
    return bed.repliesAfter(message.chatId, before);
  }

  /** The last message in `replies` that has a button labelled (or containing) `label`. */
  const withButton = (replies: readonly SentMessage[], label: string) =>
    [...replies].reverse().find((m) => buttonsOf(m).some((b) => b.label === label || b.label.includes(label)));

  /** Waits for a message the dispatcher delivers into `chatId` that contains every one of `texts`. */
  async function delivered(chatId: number, ...texts: string[]): Promise<SentMessage> {
    const matches = (m: SentMessage) => texts.every((text) => (m.text ?? "").includes(text));
    await bed.server.waitForMessages((m) => m.chatId === chatId && matches(m), { chatId, timeoutMs: 15_000 });
    const found = bed.server.sentMessages(chatId).filter(matches);
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  const statusOf = async (id: number) => (await bed.harness.db.prisma.idea.findUniqueOrThrow({ where: { id } })).status;

  /** Submits an idea by the menu's buttons and typed text, with a photo if given; returns its number. */
  async function submitIdea(title: string, description: string, photo?: Uint8Array): Promise<number> {
    let r = await write(anna, "/menu");
    r = await press(anna, withButton(r, "Ideas"), "Ideas");
    r = await press(anna, withButton(r, "Suggest an idea"), "Suggest an idea");
    expect(textOf(r)).toContain("short title");
    r = await write(anna, title);
    r = await write(anna, description);
    r = await press(anna, withButton(r, "Hammah"), "Hammah");
    r = await press(anna, withButton(r, "Community and leisure"), "Community and leisure");
    expect(textOf(r)).toContain("attach a photo");
    if (photo) {
      const before = bed.server.sentMessages(anna.id).length;
      bed.server.userSendsPhoto(anna, anna.id, photo, { caption: "the spot" });
      r = await bed.repliesAfter(anna.id, before);
      // The preview shows the photo with the text as its caption, already without metadata.
      expect(r[0]!.method).toBe("sendPhoto");
      expect((await sharp(bed.server.file(r[0]!.photoFileId!)!.bytes).metadata()).exif).toBeUndefined();
    } else {
      r = await press(anna, withButton(r, "Without photo"), "Without photo");
    }
    expect(textOf(r)).toContain(description);
    r = await press(anna, withButton(r, "Send my idea"), "Send my idea");
    const match = /idea #(\d+)/.exec(textOf(r));
    if (!match) throw new Error(`not submitted: ${textOf(r)}`);
    return Number(match[1]);
  }

  it("delivers the card into the moderation group, approves by button there and tells the author privately", async () => {
    expect(textOf(await write(olga, "/modchat", true))).toContain("Dieser Chat erhält ab jetzt neue Einreichungen");

    let r = await write(anna, "/start");
    r = await press(anna, withButton(r, "English"), "English");
    r = await press(anna, withButton(r, "Hammah"), "Hammah");
    r = await press(anna, withButton(r, "I agree"), "I agree");
    expect(textOf(r)).toContain("Your home village: Hammah");

    const id = await submitIdea("Benches on the hiking trail", "There is no bench along the trail by the Oste to rest on.");
    // The moderation chat has no language of its own: the card comes in the default, German.
    const card = await delivered(group.id, `Neue Idee #${id}`);
    expect(card.text).toContain("Benches on the hiking trail");
    expect(buttonsOf(card).map((b) => b.label)).toEqual([`Freigeben #${id}`, `Ablehnen #${id}`]);
    expect(await statusOf(id)).toBe("pending");

    const approved = await press(mona, card, "Freigeben");
    expect(textOf(approved)).toContain(`Idee #${id} „Benches on the hiking trail“ ist freigegeben`);
    expect(await statusOf(id)).toBe("approved");

    const notice = await delivered(anna.id, `Your idea #${id}`, "was approved and is now in the public list");
    // The notice's button works in the private chat it arrived in.
    const page = await press(anna, notice, "Open the idea");
    expect(textOf(page)).toContain("Benches on the hiking trail");

    // Pressed again by the moderator: already decided, nothing happens twice.
    const again = await press(mona, card, "Freigeben");
    expect(textOf(again)).toContain("Mona");
    expect(await bed.harness.db.prisma.auditLog.count({ where: { action: "idea.approve", targetId: String(id) } })).toBe(1);
  });

  it("refuses a group member without the role, then delivers a rejection's reason in the author's language", async () => {
    const id = await submitIdea("Floodlight for the football pitch", "The pitch in Hammah needs lights for training in winter.");
    const card = await delivered(group.id, `Neue Idee #${id}`);

    const refused = await press(paul, card, "Freigeben");
    expect(textOf(refused)).toContain("Das dürfen Sie (hier) nicht.");
    expect(await statusOf(id)).toBe("pending");
    expect(await bed.harness.db.prisma.auditLog.count({ where: { targetId: String(id), action: { startsWith: "idea." } } })).toBe(0);

    // "Reject" by button asks for the reason, which only a command can carry in a group.
    expect(textOf(await press(mona, card, "Ablehnen"))).toContain(`/reject ${id}`);
    const rejected = await write(mona, `/reject ${id} Flutlicht ist Sache des Sportvereins`, true);
    expect(textOf(rejected)).toContain("Flutlicht ist Sache des Sportvereins");
    expect(await statusOf(id)).toBe("rejected");

    await delivered(anna.id, `Your idea #${id}`, "was not published. The moderators' reason: “Flutlicht ist Sache des Sportvereins”");
  });

  it("carries a photo from the resident's chat to the moderators' card and out with the published idea", async () => {
    // Taken on its side by a phone that wrote where it was: the position of a resident's home.
    const photo = await cameraJpeg({ width: 640, height: 480 });
    expect(exifTags((await sharp(photo).metadata()).exif!).has(GPS_POINTER_TAG)).toBe(true);
    const id = await submitIdea("Shelter at the bus stop", "The bus stop at the school has no roof against the rain.", photo);
    const stored = await bed.harness.db.prisma.idea.findUniqueOrThrow({ where: { id }, include: { photo: true } });
    const storedBytes = Buffer.from(stored.photo!.bytes);
    const storedMetadata = await sharp(storedBytes).metadata();
    expect(storedMetadata).toMatchObject({ format: "jpeg", width: 480, height: 640 });
    expect(storedMetadata).not.toHaveProperty("exif");

    await bed.server.waitForMessages((m) => m.chatId === group.id && (m.caption ?? "").includes(`Neue Idee #${id}`), {
      chatId: group.id,
      timeoutMs: 15_000,
    });
    const card = bed.server.sentMessages(group.id).find((m) => (m.caption ?? "").includes(`Neue Idee #${id}`))!;
    expect(card.method).toBe("sendPhoto");
    // What the moderators see is the stored picture: upright, no EXIF, no GPS position.
    const seen = Buffer.from(bed.server.file(card.photoFileId!)!.bytes);
    expect(seen).toEqual(storedBytes);
    const seenMetadata = await sharp(seen).metadata();
    expect(seenMetadata).toMatchObject({ width: 480, height: 640 });
    expect(seenMetadata).not.toHaveProperty("exif");
    expect(seenMetadata).not.toHaveProperty("orientation");
    // The buttons sit under the photo, and work there.
    const approved = await press(mona, card, "Freigeben");
    expect(textOf(approved)).toContain(`Idee #${id}`);
    expect(await statusOf(id)).toBe("approved");

    const page = await write(anna, `/start idea_${id}`);
    expect(page[0]!.method).toBe("sendPhoto");
    expect(Buffer.from(bed.server.file(page[0]!.photoFileId!)!.bytes)).toEqual(storedBytes);
  });
});
