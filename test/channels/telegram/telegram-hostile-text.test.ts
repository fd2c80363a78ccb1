import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannel } from "../../../src/channels/telegram/telegram-channel.js";
import { MAX_SAVE_ATTEMPTS, telegramBotId } from "../../../src/channels/telegram/update-inbox.js";
import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import { createQuarantineStore, type QuarantineStore } from "../../../src/storage/stores/quarantine-store.js";
import { createTelegramInboxStore, type TelegramInbox } from "../../../src/storage/stores/telegram-inbox-store.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotApiServer, type BotApiServer } from "../../support/telegram/bot-api-server.js";
import { BOT_USERNAME, waitUntil } from "./telegram-testbed.js";

// One update with U+0000 or a lone surrogate used to fail every write of its batch (PostgreSQL
// refuses both in text and jsonb), so the bot fetched the same batch every few seconds and nobody
// was answered again. Runs on PGlite and on PostgreSQL (see vitest.config.ts).

const bea = { id: 4402, first_name: "Bea", language_code: "en" };
const EVE_ID = 4401;
const UNREADABLE = "could not read your last message";
let messageNumber = 0;

/**
 * A private message from Eve as the Bot API sends it, with NUL and a lone surrogate escaped in the
 * text, her first name and her username. Written as JSON text: "\\u0000" below is the six
 * characters of the escape, exactly what arrives over the wire.
 */
function hostileMessageJson(text = String.raw`hello\u0000world\ud800`): string {
  return (
    `{"message":{"message_id":${(messageNumber += 1)},"date":1764590000,` +
    `"chat":{"id":${EVE_ID},"type":"private","first_name":"Ev\\u0000e\\ud800"},` +
    String.raw`"from":{"id":${EVE_ID},"is_bot":false,"first_name":"Ev\u0000e\ud800","username":"eve\u0000\ud800x","language_code":"en"},` +
    `"text":"${text}"}}`
  );
}

describe("Telegram updates with NUL, lone surrogates and other controls", () => {
  let server: BotApiServer;
  let harness: CoreHarness;
  let inbox: TelegramInbox<Update>;
  let quarantine: QuarantineStore;
  const running: TelegramChannel[] = [];

  beforeAll(async () => {
    server = createBotApiServer({ botUsername: BOT_USERNAME });
    await server.start();
    harness = await createCoreHarness();
    inbox = createTelegramInboxStore<Update>(harness.access, { botId: telegramBotId(server.token) });
    quarantine = createQuarantineStore(harness.access);
  });
  beforeEach(async () => {
    await harness.db.prisma.telegramInboxUpdate.deleteMany();
    await harness.db.prisma.quarantinedEvent.deleteMany();
  });
  afterEach(async () => {
    for (const channel of running.splice(0)) await channel.stop();
    expect(server.internalErrors()).toEqual([]);
  });
  afterAll(async () => {
    await server?.stop();
    await harness?.dispose();
  });

  const core = (): ConversationCore => ({ handle: (e, c) => harness.core.handle(e, c), commands: () => harness.core.commands(), localeFor: (s, h) => harness.core.localeFor(s, h) });

  async function startChannel(options: { inbox?: TelegramInbox<Update>; core?: ConversationCore; quarantine?: QuarantineStore } = {}): Promise<TelegramChannel> {
    const channel = createTelegramChannel({
      core: options.core ?? core(),
      translator: harness.translator,
      logger: silentLogger,
      token: server.token,
      apiRoot: server.url,
      pollingTimeoutSeconds: 1,
      pollRetryMs: 50,
      stopTimeoutMs: 2_000,
      inbox: options.inbox ?? inbox,
      quarantine: options.quarantine ?? quarantine,
    });
    running.push(channel);
    await channel.start();
    return channel;
  }

  async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error("condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Resolves once the channel fetched again after the update, so it has been taken in. */
  const fetchedPast = (updateId: number) => waitUntil(() => server.calls("getUpdates").some((call) => Number(call.params.offset) > updateId));

  it("answers the hostile sender and the bystander behind them, stores both clean and leaves nothing stuck", async () => {
    const eveBefore = server.sentMessages(EVE_ID).length;
    const beaBefore = server.sentMessages(bea.id).length;
    // Both are queued before the bot polls, so they arrive in one batch: Eve's first.
    const hostile = server.pushRawUpdate(hostileMessageJson());
    const help = server.userSendsText(bea, bea.id, "/help");
    const batches: number[][] = [];
    const recording: TelegramInbox<Update> = {
      save: (updates) => (batches.push(updates.map((u) => u.update_id)), inbox.save(updates)),
      pending: () => inbox.pending(),
      remove: (ids) => inbox.remove(ids),
      noteReplay: (id) => inbox.noteReplay(id),
    };
    await startChannel({ inbox: recording });

    const [toEve] = await server.waitForMessages(eveBefore + 1, { chatId: EVE_ID });
    await server.waitForMessages(beaBefore + 1, { chatId: bea.id });
    expect(batches[0]).toEqual([hostile.update_id, help.update_id]);
    expect(toEve?.text).toContain("Welcome to mitreden");
    expect(toEve?.text).not.toContain(UNREADABLE);
    const identity = await harness.db.prisma.identity.findUnique({ where: { id: `telegram:${EVE_ID}` } });
    expect(identity?.displayName).toBe("Eve");
    expect(await harness.db.prisma.processedEvent.count({ where: { id: `telegram:update:${hostile.update_id}` } })).toBe(1);
    expect(await quarantine.list(10)).toEqual([]);

    // Button data with the same characters: refused as stale, and answered.
    const messageId = toEve!.messageId;
    server.pushRawUpdate(
      `{"callback_query":{"id":"eve-press-1","chat_instance":"1","data":"x\\u0000\\ud800y",` +
        String.raw`"from":{"id":${EVE_ID},"is_bot":false,"first_name":"Ev\u0000e","username":"eve\ud800","language_code":"en"},` +
        `"message":{"message_id":${messageId},"date":1764590000,"chat":{"id":${EVE_ID},"type":"private"},"from":${JSON.stringify(server.botUser)},"text":"x"}}}`,
    );
    await waitUntil(() => server.callbackAnswer("eve-press-1") !== undefined);
    expect(String(server.callbackAnswer("eve-press-1")?.["text"])).toContain("no longer valid");
    await eventually(async () => (await inbox.pending()).length === 0);
    expect(await quarantine.list(10)).toEqual([]);

    // After a restart nothing comes again and the next message is answered as usual.
    for (const channel of running.splice(0)) await channel.stop();
    const eveSent = server.sentMessages(EVE_ID).length;
    const beaSent = server.sentMessages(bea.id).length;
    await startChannel();
    const again = server.userSendsText(bea, bea.id, "/help");
    await server.waitForMessages(beaSent + 1, { chatId: bea.id });
    await fetchedPast(again.update_id);
    expect(server.sentMessages(EVE_ID)).toHaveLength(eveSent);
    expect(server.sentMessages(bea.id)).toHaveLength(beaSent + 1);
    await eventually(async () => (await inbox.pending()).length === 0);
  });

  describe("an update the database still refuses", () => {
    /**
     * The real inbox store, except that update `poison` is written as it came over the wire,
     * uncleaned: the database then refuses it exactly as before cleaning existed.
     */
    function refusing(poison: () => number | undefined): TelegramInbox<Update> {
      return {
        save(updates) {
          const id = poison();
          const raw = { ...(JSON.parse(hostileMessageJson()) as Omit<Update, "update_id">), update_id: id } as Update;
          return inbox.save(updates.map((u) => (u.update_id === id ? raw : u)));
        },
        pending: () => inbox.pending(),
        remove: (ids) => inbox.remove(ids),
        noteReplay: (id) => inbox.noteReplay(id),
      };
    }

    it("is set aside with its reason while the rest of its batch is answered", async () => {
      const eveBefore = server.sentMessages(EVE_ID).length;
      const beaBefore = server.sentMessages(bea.id).length;
      const hostile = server.pushRawUpdate(hostileMessageJson("ciao"));
      server.userSendsText(bea, bea.id, "/help");
      await startChannel({ inbox: refusing(() => hostile.update_id) });

      await server.waitForMessages(beaBefore + 1, { chatId: bea.id });
      const [toEve] = (await server.waitForMessages(eveBefore + 1, { chatId: EVE_ID })).slice(eveBefore);
      expect(toEve?.text).toContain(UNREADABLE);
      const [kept] = await quarantine.list(10);
      expect(kept).toMatchObject({ channel: "telegram", instance: telegramBotId(server.token), eventId: String(hostile.update_id) });
      expect(kept?.reason).toMatch(/^storing failed: .*(unicode|surrogate|json|\\u0000)/i);
      // The kept copy is the cleaned update, so an admin can read it.
      expect(JSON.parse(kept!.payload)).toMatchObject({ update_id: hostile.update_id, message: { text: "ciao", from: { first_name: "Eve" } } });
      expect(await harness.db.prisma.processedEvent.count({ where: { id: `telegram:update:${hostile.update_id}` } })).toBe(0);
      await eventually(async () => (await inbox.pending()).length === 0);
    });

    it(`is set aside after ${MAX_SAVE_ATTEMPTS} fetches when it comes alone, and the next message is answered`, async () => {
      const eveBefore = server.sentMessages(EVE_ID).length;
      const beaBefore = server.sentMessages(bea.id).length;
      const hostile = server.pushRawUpdate(hostileMessageJson("ciao"));
      await startChannel({ inbox: refusing(() => hostile.update_id) });
      await eventually(async () => (await quarantine.list(10)).length === 1);
      const help = server.userSendsText(bea, bea.id, "/help");
      await server.waitForMessages(beaBefore + 1, { chatId: bea.id });
      await fetchedPast(help.update_id);
      expect(server.sentMessages(EVE_ID).slice(eveBefore).map((m) => m.text)).toEqual([expect.stringContaining(UNREADABLE)]);
      expect(await quarantine.list(10)).toHaveLength(1);
    });

    it("is not set aside while the database is down, however many fetches that takes", async () => {
      let down = true;
      let refusedSaves = 0;
      const failing = (): Promise<never> => Promise.reject(new Error("connection refused"));
      const downInbox: TelegramInbox<Update> = {
        save: (updates) => (down ? (refusedSaves++, failing()) : inbox.save(updates)),
        pending: () => inbox.pending(),
        remove: (ids) => inbox.remove(ids),
        noteReplay: (id) => inbox.noteReplay(id),
      };
      const downQuarantine: QuarantineStore = { ...quarantine, add: (input) => (down ? failing() : quarantine.add(input)) };
      const beaBefore = server.sentMessages(bea.id).length;
      const help = server.userSendsText(bea, bea.id, "/help");
      await startChannel({ inbox: downInbox, quarantine: downQuarantine });
      // Each fetch tries the batch and then the update alone.
      await waitUntil(() => refusedSaves >= 2 * (MAX_SAVE_ATTEMPTS + 2));
      down = false;
      const [reply] = (await server.waitForMessages(beaBefore + 1, { chatId: bea.id })).slice(beaBefore);
      expect(reply?.text).toContain("Help");
      expect(await harness.db.prisma.processedEvent.count({ where: { id: `telegram:update:${help.update_id}` } })).toBe(1);
      expect(await quarantine.list(10)).toEqual([]);
    });

    it("is set aside when its handling fails, after the apology", async () => {
      const beaBefore = server.sentMessages(bea.id).length;
      const failing: ConversationCore = {
        commands: () => harness.core.commands(),
        localeFor: (senderId, hint) => harness.core.localeFor(senderId, hint),
        async handle(event, capabilities) {
          if (event.payload.type === "text" && event.payload.text === "/boom") throw new Error("boom in a flow");
          return harness.core.handle(event, capabilities);
        },
      };
      await startChannel({ core: failing });
      const boom = server.userSendsText(bea, bea.id, "/boom");
      const [apology] = (await server.waitForMessages(beaBefore + 1, { chatId: bea.id })).slice(beaBefore);
      expect(apology?.text).toContain("Sorry, something went wrong");
      await eventually(async () => (await quarantine.list(10)).length === 1);
      const [kept] = await quarantine.list(10);
      expect(kept).toMatchObject({ eventId: String(boom.update_id), reason: "handling failed: boom in a flow" });
    });
  });
});
