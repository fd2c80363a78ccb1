import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { createCallbackCodec } from "../../../src/channels/telegram/callback-codec.js";
import { decideUpdate } from "../../../src/channels/telegram/inbound.js";

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
    expect(decideUpdate(press("settings:lang:en"), bot, codec, at)).toEqual({ kind: "stale-callback", callbackQueryId: "q1", localeHint: "de-DE" });
    expect(decideUpdate(press(codec.encode(anna.id, "x:y"), 99), bot, codec, at)).toMatchObject({ kind: "ignore", callbackQueryId: "q1" });
  });
});
