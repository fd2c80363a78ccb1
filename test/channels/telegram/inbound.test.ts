import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { createCallbackCodec } from "../../../src/channels/telegram/callback-codec.js";
import { choosePhotoSize, decideUpdate } from "../../../src/channels/telegram/inbound.js";
import { PHOTO_MAX_BYTES } from "../../../src/core/model/photo.js";

const bot = { id: 7000000001, username: "mitreden_test_bot" };
const codec = createCallbackCodec({ secret: "a secret of sixteen bytes or more" });
const at = new Date("2026-11-27T09:00:00Z");
const anna = { id: 4201, is_bot: false, first_name: "Anna", last_name: "Meyer", language_code: "de-DE" };
const group = { id: -1001234567, type: "supergroup" as const, title: "Hammah aktuell" };

function text(chat: Update["message"] extends infer M ? (M extends { chat: infer C } ? C : never) : never, value: string, extra: object = {}): Update {
  return { update_id: 10, message: { message_id: 1, date: 0, chat, from: anna, text: value, ...extra } } as Update;
}

describe("mapping Telegram updates to core events", () => {
  it("maps a private message with sender, locale hint and update id", () => {
    const decision = decideUpdate(text({ id: anna.id, type: "private", first_name: "Anna" }, "/start survey_12"), bot, codec, at);
    expect(decision).toEqual({
      kind: "event",
      event: {
        eventId: "telegram:update:10",
        channel: "telegram",
        chat: { id: "4201", kind: "private" },
        trustedPrivateChatId: "4201",
        senderId: "telegram:4201",
        senderName: "Anna Meyer",
        localeHint: "de-DE",
        payload: { type: "text", text: "/start survey_12" },
        receivedAt: at,
      },
    });
  });

  it("passes group commands for this bot and asks for an admin check; ignores the rest", () => {
    const addressed = decideUpdate(text(group, "/help@Mitreden_Test_Bot"), bot, codec, at);
    expect(addressed).toMatchObject({ kind: "event", event: { chat: { id: String(group.id), kind: "group", title: "Hammah aktuell" } }, adminCheck: { chatId: group.id, userId: anna.id } });
    expect(decideUpdate(text(group, "/help"), bot, codec, at).kind).toBe("event");
    expect(decideUpdate(text(group, "/help@other_bot"), bot, codec, at).kind).toBe("ignore");
    expect(decideUpdate(text(group, "Moin /help"), bot, codec, at).kind).toBe("ignore");
    expect(decideUpdate(text(group, "2"), bot, codec, at).kind).toBe("ignore");
  });

  it("treats anonymous admins and channel posts as the chat's admins", () => {
    const anonymous = decideUpdate(
      text(group, "/help", { from: { id: 1087968824, is_bot: true, first_name: "Group" }, sender_chat: group }),
      bot,
      codec,
      at,
    );
    expect(anonymous).toMatchObject({ kind: "event", event: { senderId: `telegram:${group.id}`, senderIsChatAdmin: true } });
    const channel = { id: -1009876, type: "channel" as const, title: "Amtsblatt" };
    const post = { update_id: 11, channel_post: { message_id: 1, date: 0, chat: channel, sender_chat: channel, text: "/help" } } as Update;
    expect(decideUpdate(post, bot, codec, at)).toMatchObject({ kind: "event", event: { chat: { kind: "channel" }, senderIsChatAdmin: true } });
  });

  it("ignores other bots and non-text messages", () => {
    expect(decideUpdate(text({ id: 5, type: "private", first_name: "B" }, "/start", { from: { id: 5, is_bot: true, first_name: "B" } }), bot, codec, at).kind).toBe("ignore");
    const sticker = { update_id: 12, message: { message_id: 1, date: 0, chat: { id: 5, type: "private", first_name: "x" }, from: anna, sticker: {} } } as unknown as Update;
    expect(decideUpdate(sticker, bot, codec, at).kind).toBe("ignore");
  });

  it("decodes signed button data and refuses anything else", () => {
    const press = (data: string, fromId = bot.id): Update =>
      ({
        update_id: 13,
        callback_query: {
          id: "q1",
          from: anna,
          chat_instance: "1",
          data,
          message: { message_id: 3, date: 0, chat: { id: anna.id, type: "private", first_name: "Anna" }, from: { id: fromId, is_bot: true, first_name: "bot" } },
        },
      }) as Update;
    expect(decideUpdate(press(codec.encode(anna.id, "settings:lang:en")), bot, codec, at)).toMatchObject({
      kind: "event",
      callbackQueryId: "q1",
      event: { payload: { type: "action", action: "settings:lang:en" } },
    });
    expect(decideUpdate(press("settings:lang:en"), bot, codec, at)).toEqual({
      kind: "stale-callback",
      callbackQueryId: "q1",
      senderId: "telegram:4201",
      localeHint: "de-DE",
    });
    expect(decideUpdate(press(codec.encode(anna.id, "x:y"), 99), bot, codec, at)).toMatchObject({ kind: "ignore", callbackQueryId: "q1" });
  });

  it("vouches for a private chat only when it is the sender's own", () => {
    const pressIn = (chat: object): Update =>
      ({
        update_id: 14,
        callback_query: {
          id: "q2",
          from: anna,
          chat_instance: "1",
          data: codec.encode((chat as { id: number }).id, "menu:open"),
          message: { message_id: 3, date: 0, chat, from: { id: bot.id, is_bot: true, first_name: "bot" } },
        },
      }) as Update;
    const trusted = (update: Update) => {
      const decision = decideUpdate(update, bot, codec, at);
      return decision.kind === "event" ? (decision.event.trustedPrivateChatId ?? null) : "no event";
    };
    expect(trusted(pressIn({ id: anna.id, type: "private", first_name: "Anna" }))).toBe("4201");
    // What a modified client could claim: a private chat that is someone else's.
    expect(trusted(pressIn({ id: 4299, type: "private", first_name: "Someone" }))).toBeNull();
    expect(trusted(pressIn(group))).toBeNull();
    expect(trusted(text({ id: 4299, type: "private", first_name: "Someone" }, "/start"))).toBeNull();
    expect(trusted(text(group, "/help"))).toBeNull();
  });

  describe("pictures", () => {
    const privateChat = { id: anna.id, type: "private" as const, first_name: "Anna" };
    const size = (id: string, width: number, fileSize?: number) => ({
      file_id: id,
      file_unique_id: `u-${id}`,
      width,
      height: Math.round(width * 0.75),
      ...(fileSize === undefined ? {} : { file_size: fileSize }),
    });
    const picture = (chat: object, content: object): Update =>
      ({ update_id: 20, message: { message_id: 4, date: 0, chat, from: anna, ...content } }) as Update;

    it("downloads the largest photo size that fits the limit and carries the caption", () => {
      const photo = [size("s", 90, 1_500), size("m", 320, 20_000), size("y", 1280, 180_000), size("w", 2560, PHOTO_MAX_BYTES + 1)];
      expect(decideUpdate(picture(privateChat, { photo, caption: "Die Bank am Dorfteich" }), bot, codec, at)).toEqual({
        kind: "photo",
        event: {
          eventId: "telegram:update:20",
          channel: "telegram",
          chat: { id: "4201", kind: "private" },
          trustedPrivateChatId: "4201",
          senderId: "telegram:4201",
          senderName: "Anna Meyer",
          localeHint: "de-DE",
          receivedAt: at,
        },
        file: { fileId: "y", declaredBytes: 180_000 },
        caption: "Die Bank am Dorfteich",
      });
      // Without a caption there is none in the decision.
      expect(decideUpdate(picture(privateChat, { photo }), bot, codec, at)).not.toHaveProperty("caption");
    });

    it("chooses by size, not by the order Telegram lists them in", () => {
      expect(choosePhotoSize([size("y", 1280, 180_000), size("s", 90, 1_500), size("m", 320, 20_000)])?.file_id).toBe("y");
      // A size of unknown weight is tried only when no known one fits; the download cap decides then.
      expect(choosePhotoSize([size("s", 90), size("m", 320, 20_000)])?.file_id).toBe("m");
      expect(choosePhotoSize([size("s", 90), size("w", 2560, PHOTO_MAX_BYTES + 1)])?.file_id).toBe("s");
      expect(choosePhotoSize([])).toBeUndefined();
    });

    it("passes a photo on even when every size is too large, so the resident hears why", () => {
      const photo = [size("s", 90, PHOTO_MAX_BYTES + 10), size("w", 2560, PHOTO_MAX_BYTES + 20)];
      expect(decideUpdate(picture(privateChat, { photo }), bot, codec, at)).toMatchObject({
        kind: "photo",
        file: { fileId: "w", declaredBytes: PHOTO_MAX_BYTES + 20 },
      });
    });

    it("downloads a JPEG or PNG sent as a file, and one without a useful type", () => {
      const document = (mime_type?: string) => ({ file_id: "doc", file_unique_id: "u-doc", file_name: "bank.jpg", file_size: 900_000, ...(mime_type ? { mime_type } : {}) });
      for (const type of ["image/jpeg", "image/png", "IMAGE/PNG", "application/octet-stream", undefined]) {
        expect(decideUpdate(picture(privateChat, { document: document(type), caption: "Bank" }), bot, codec, at)).toMatchObject({
          kind: "photo",
          file: { fileId: "doc", declaredBytes: 900_000 },
          caption: "Bank",
        });
      }
    });

    it("answers other files as unsupported without downloading them", () => {
      for (const type of ["application/pdf", "image/heic", "image/gif", "video/mp4"]) {
        const document = { file_id: "doc", file_unique_id: "u-doc", file_name: "antrag.pdf", mime_type: type, file_size: 80_000 };
        expect(decideUpdate(picture(privateChat, { document, caption: "Mein Antrag" }), bot, codec, at)).toMatchObject({
          kind: "event",
          event: { senderId: "telegram:4201", payload: { type: "photo", photo: { status: "unsupported" }, caption: "Mein Antrag" } },
        });
      }
    });

    it("ignores pictures in groups and channels, and from bots", () => {
      const photo = [size("s", 90, 1_500), size("m", 320, 20_000)];
      expect(decideUpdate(picture(group, { photo, caption: "/help" }), bot, codec, at)).toEqual({ kind: "ignore", reason: "photo outside a private chat" });
      const document = { file_id: "doc", file_unique_id: "u-doc", mime_type: "image/jpeg" };
      expect(decideUpdate(picture(group, { document }), bot, codec, at)).toEqual({ kind: "ignore", reason: "photo outside a private chat" });
      const channel = { id: -1009876, type: "channel" as const, title: "Amtsblatt" };
      const post = { update_id: 21, channel_post: { message_id: 1, date: 0, chat: channel, sender_chat: channel, photo } } as Update;
      expect(decideUpdate(post, bot, codec, at)).toEqual({ kind: "ignore", reason: "photo outside a private chat" });
      const fromBot = { update_id: 22, message: { message_id: 1, date: 0, chat: privateChat, from: { id: 5, is_bot: true, first_name: "B" }, photo } } as Update;
      expect(decideUpdate(fromBot, bot, codec, at).kind).toBe("ignore");
    });
  });
});
