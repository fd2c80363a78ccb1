import { InlineKeyboard } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Feature } from "../../../src/core/conversation/feature.js";
import { createTelegramTestbed, buttonsOf, waitUntil, BOT_USERNAME, type TelegramTestbed } from "./telegram-testbed.js";

// A feature whose button action is far too long for Telegram: sending it is a bug the error
// boundary must catch, log and answer with an apology.
const brokenFeature: Feature = {
  id: "broken",
  commands: [
    {
      name: "broken",
      scope: "any",
      descriptionKey: "help:command",
      beforeOnboarding: true,
      async run(turn) {
        turn.reply({ html: "x", choices: [[{ label: "x", action: `broken:${"y".repeat(80)}` }]] });
      },
    },
  ],
};

const anna = { id: 4201, first_name: "Anna", language_code: "en" };
const bernd = { id: 4202, first_name: "Bernd", language_code: "de" };

describe("Telegram channel against the loopback Bot API server", () => {
  let bed: TelegramTestbed;

  beforeAll(async () => {
    bed = await createTelegramTestbed({ extraFeatures: [brokenFeature] });
  });
  afterEach(() => {
    bed.server.faults.clear();
    expect(bed.server.internalErrors()).toEqual([]);
  });
  afterAll(async () => bed?.dispose());

  async function identityOf(userId: number) {
    return bed.harness.db.prisma.identity.findUnique({ where: { id: `telegram:${userId}` }, include: { resident: true } });
  }

  it("takes a resident through onboarding by pressing inline buttons", async () => {
    const { server } = bed;
    const count = () => server.sentMessages(anna.id).length;

    server.userSendsText(anna, anna.id, "/start");
    const [welcome] = await bed.repliesAfter(anna.id, 0);
    expect(welcome?.parseMode).toBe("HTML");
    expect(welcome?.text).toContain("Welcome to mitreden");
    expect(buttonsOf(welcome).map((b) => b.label)).toEqual(["Deutsch", "English"]);
    for (const b of buttonsOf(welcome)) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);

    let before = count();
    const english = buttonsOf(welcome).find((b) => b.label === "English")!;
    const press = server.userPressesButton(anna, anna.id, welcome!.messageId, english.data);
    const [areas] = await bed.repliesAfter(anna.id, before);
    expect(server.callbackAnswer(press.callback_query!.id)).toBeDefined();
    expect(areas?.text).toContain("Which village do you live in?");

    before = count();
    const hammah = buttonsOf(areas).find((b) => b.label === "Hammah")!;
    server.userPressesButton(anna, anna.id, areas!.messageId, hammah.data);
    const [privacy] = await bed.repliesAfter(anna.id, before);
    expect(privacy?.text).toContain("Privacy");

    before = count();
    const accept = buttonsOf(privacy).find((b) => b.label === "I agree")!;
    const acceptPress = server.userPressesButton(anna, anna.id, privacy!.messageId, accept.data);
    const done = await bed.repliesAfter(anna.id, before);
    expect(done.map((m) => m.text).join("\n")).toContain("Your home village: Hammah");
    expect(buttonsOf(done.at(-1)).map((b) => b.label)).toContain("Settings");
    expect(server.callbackAnswer(acceptPress.callback_query!.id)).toEqual(expect.objectContaining({ callback_query_id: acceptPress.callback_query!.id }));

    const identity = await identityOf(anna.id);
    expect(identity?.resident.locale).toBe("en");
    expect(identity?.resident.onboardedAt).not.toBeNull();
    expect(identity?.privateChatId).toBe(String(anna.id));
  });

  it("handles a redelivered update only once", async () => {
    const { server } = bed;
    const before = server.sentMessages(anna.id).length;
    const update = server.userSendsText(anna, anna.id, "/settings");
    const first = await bed.repliesAfter(anna.id, before);
    expect(first).toHaveLength(1);
    const languageButton = buttonsOf(first[0])[0]!;

    // Telegram delivers the same update again (same update_id): nothing new happens.
    server.pushUpdate(update);
    const pressed = server.userPressesButton(anna, anna.id, first[0]!.messageId, languageButton.data);
    const afterPress = await bed.repliesAfter(anna.id, before + 1);
    const settled = server.sentMessages(anna.id).length;
    server.pushUpdate(pressed);
    server.userSendsText(anna, anna.id, "/help");
    const help = await bed.repliesAfter(anna.id, settled);
    expect(help).toHaveLength(1);
    expect(help[0]?.text).toContain("Help");
    expect(afterPress.length).toBeGreaterThan(0);
    expect(afterPress.map((m) => m.text)).not.toContain(first[0]!.text);
    const rows = await bed.harness.db.prisma.processedEvent.count({ where: { id: `telegram:update:${update.update_id}` } });
    expect(rows).toBe(1);
  });

  it("answers forged or foreign button data clearly and changes nothing", async () => {
    const { server, channel } = bed;
    const api = channel.bot.api;
    const before = server.sentMessages(anna.id).length;
    // What a modified client could send: a valid-looking action with a wrong signature, and a
    // correctly signed action that belongs to another chat.
    const forged = `AAAAAAAAAAsettings:lang:de`;
    const foreign = channel.codec.encode(999_999, "settings:lang:de");
    const sent = await api.sendMessage(anna.id, "test", {
      reply_markup: new InlineKeyboard().text("forged", forged).text("foreign", foreign).text("garbage", "x"),
    });
    for (const data of [forged, foreign, "x"]) {
      const press = server.userPressesButton(anna, anna.id, sent.message_id, data);
      await waitUntil(() => server.callbackAnswer(press.callback_query!.id) !== undefined);
      expect(server.callbackAnswer(press.callback_query!.id)?.text).toBe("That choice is no longer valid. Please use the latest message.");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.sentMessages(anna.id)).toHaveLength(before + 1);
    expect((await identityOf(anna.id))?.resident.locale).not.toBe("de");
  });

  it("waits out a 429 with retry_after and then sends the reply", async () => {
    const { server } = bed;
    const before = server.sentMessages(anna.id).length;
    server.faults.tooManyRequests(1, { method: "sendMessage", chatId: anna.id });
    const started = Date.now();
    server.userSendsText(anna, anna.id, "/help");
    const [reply] = await bed.repliesAfter(anna.id, before);
    expect(reply?.text).toContain("Help");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const attempts = server.calls("sendMessage").filter((c) => c.params.chat_id === anna.id || c.params.chat_id === String(anna.id));
    expect(attempts.slice(-2).map((c) => c.status)).toEqual([429, 200]);
  });

  it("shows resident-provided text in HTML messages without breaking Telegram's parser", async () => {
    const { server, harness } = bed;
    // Interpolated values are escaped by the translator; Telegram must accept the result.
    const html = harness.translator.t("en", "common:unknown-command", { command: "<3 & >" });
    const sent = await bed.channel.bot.api.sendMessage(anna.id, html, { parse_mode: "HTML" });
    expect(sent.text).toContain("“<3 & >”");
    expect(server.internalErrors()).toEqual([]);
  });

  it("passes deep links to the core unchanged", async () => {
    const { server } = bed;
    const before = server.sentMessages(anna.id).length;
    server.userSendsText(anna, anna.id, "/start nosuchthing_12");
    const replies = await bed.repliesAfter(anna.id, before);
    expect(replies[0]?.text).toBe("This link is not valid (any more).");
    expect(bed.channel.deepLink("survey_12")).toBe(`https://t.me/${BOT_USERNAME}?start=survey_12`);
  });

  it("catches a failing update, logs it and apologises in the resident's language", async () => {
    const { server } = bed;
    const before = server.sentMessages(bernd.id).length;
    server.userSendsText(bernd, bernd.id, "/broken");
    const replies = await bed.repliesAfter(bernd.id, before);
    expect(replies.map((r) => r.text)).toEqual([bed.harness.translator.t("de", "common:apology")]);
    expect(replies[0]!.text).toContain("Entschuldigung");
    // The bot keeps working afterwards.
    server.userSendsText(bernd, bernd.id, "/help");
    expect((await bed.repliesAfter(bernd.id, before + 1))[0]?.text).toContain("Hilfe");
  });

  it("apologises and refuses stale buttons in the chosen language, not in the app's", async () => {
    const { server, channel } = bed;
    // Carla's Telegram app is German, but she chose English during onboarding.
    const carla = { id: 4203, first_name: "Carla", language_code: "de" };
    server.userSendsText(carla, carla.id, "/start");
    const [welcome] = await bed.repliesAfter(carla.id, 0);
    const english = buttonsOf(welcome).find((b) => b.label === "English")!;
    server.userPressesButton(carla, carla.id, welcome!.messageId, english.data);
    await bed.repliesAfter(carla.id, 1);
    expect((await identityOf(carla.id))?.resident.locale).toBe("en");

    const before = server.sentMessages(carla.id).length;
    server.userSendsText(carla, carla.id, "/broken");
    const replies = await bed.repliesAfter(carla.id, before);
    expect(replies.map((r) => r.text)).toEqual([bed.harness.translator.t("en", "common:apology")]);

    const sent = await channel.bot.api.sendMessage(carla.id, "test", { reply_markup: new InlineKeyboard().text("forged", "AAAAAAAAAAmenu:open") });
    const press = server.userPressesButton(carla, carla.id, sent.message_id, "AAAAAAAAAAmenu:open");
    await waitUntil(() => server.callbackAnswer(press.callback_query!.id) !== undefined);
    expect(server.callbackAnswer(press.callback_query!.id)?.text).toBe("That choice is no longer valid. Please use the latest message.");
  });

  it("never stores a private chat a button press claims but that is not the sender's own", async () => {
    const { server, channel } = bed;
    const dora = { id: 4204, first_name: "Dora", language_code: "en", is_bot: false };
    server.userSendsText(dora, dora.id, "/start");
    await bed.repliesAfter(dora.id, 0);
    expect((await identityOf(dora.id))?.privateChatId).toBe(String(dora.id));
    // A modified client: Dora's press, claiming to come from a private chat with id 4299, with
    // button data correctly signed for that chat. Real Telegram never sends this.
    const victim = 4299;
    server.addChat({ id: victim, type: "private", first_name: "Someone" });
    server.pushUpdate({
      callback_query: {
        id: "spoofed-private-chat",
        from: dora,
        chat_instance: "1",
        data: channel.codec.encode(victim, "menu:open"),
        message: { message_id: 1, date: 0, chat: { id: victim, type: "private", first_name: "Someone" }, from: server.botUser, text: "x" },
      },
    });
    // The press was handled (its answer went to the claimed chat), yet Dora's stored chat is hers.
    expect(await bed.repliesAfter(victim, 0)).not.toHaveLength(0);
    expect((await identityOf(dora.id))?.privateChatId).toBe(String(dora.id));
  });

  describe("in a group", () => {
    const group = { id: -1001234567, type: "supergroup" as const, title: "Hammah aktuell" };

    it("ignores chatter and other bots' commands, answers commands addressed to it", async () => {
      const { server } = bed;
      server.addChat(group);
      server.setChatMember(group.id, bernd.id, "administrator", bernd);
      const getChatMemberBefore = server.calls("getChatMember").length;
      const chatter = [
        server.userSendsText(bernd, group, "Moin zusammen, wer kommt zum Dorffest?"),
        server.userSendsText(bernd, group, "2"),
        server.userSendsText(bernd, group, "/help@some_other_bot"),
      ];
      server.userSendsText(bernd, group, `/help@${BOT_USERNAME}`);
      const replies = await bed.repliesAfter(group.id, 0);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.text).toContain("In Gruppen reagiere ich nur auf Befehle");
      expect(buttonsOf(replies[0])).toEqual([]);
      // Chatter never reached the core: no event was recorded for it.
      const recorded = await bed.harness.db.prisma.processedEvent.count({
        where: { id: { in: chatter.map((u) => `telegram:update:${u.update_id}`) } },
      });
      expect(recorded).toBe(0);

      // A bare /help (privacy mode delivers it when the bot spoke last) is answered too.
      server.userSendsText(bernd, group, "/help");
      const second = await bed.repliesAfter(group.id, 1);
      expect(second).toHaveLength(1);
      // Whether the sender administers the group was asked once and then remembered.
      const lookups = server.calls("getChatMember").slice(getChatMemberBefore);
      expect(lookups).toHaveLength(1);
      expect(lookups[0]?.params).toMatchObject({ user_id: bernd.id });
    });

    it("refuses private flows in the group", async () => {
      const { server } = bed;
      const before = server.sentMessages(group.id).length;
      server.userSendsText(bernd, group, `/settings@${BOT_USERNAME}`);
      const replies = await bed.repliesAfter(group.id, before);
      expect(replies[0]?.text).toContain("Das geht nur im privaten Chat");
    });
  });
});

describe("Telegram channel start-up", () => {
  it("registers command menus per language and group scope", async () => {
    const bed = await createTelegramTestbed();
    try {
      const api = bed.channel.bot.api;
      const en = await api.getMyCommands({ language_code: "en" });
      const de = await api.getMyCommands({ language_code: "de" });
      const fallback = await api.getMyCommands();
      expect(en.map((c) => c.command)).toContain("settings");
      expect(en.find((c) => c.command === "help")?.description).toMatch(/help|command/i);
      expect(de.find((c) => c.command === "help")?.description).not.toBe(en.find((c) => c.command === "help")?.description);
      expect(fallback).toEqual(de);
      const groups = await api.getMyCommands({ scope: { type: "all_group_chats" }, language_code: "en" });
      expect(groups.map((c) => c.command)).toContain("help");
      expect(groups.map((c) => c.command)).not.toContain("settings");
    } finally {
      await bed.dispose();
    }
  });

  it("keeps running when setMyCommands fails", async () => {
    const bed = await createTelegramTestbed({
      beforeStart: (faults) => faults.error(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID", undefined, { method: "setMyCommands" }),
    });
    try {
      expect(bed.server.calls("setMyCommands").every((c) => c.status === 400)).toBe(true);
      expect(bed.server.calls("setMyCommands").length).toBeGreaterThan(0);
      bed.server.userSendsText(anna, anna.id, "/help");
      const replies = await bed.repliesAfter(anna.id, 0);
      expect(replies[0]?.text).toContain("Help");
    } finally {
      await bed.dispose();
    }
  });
});
