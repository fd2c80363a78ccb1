import { Api } from "grammy";
import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type TelegramChannel } from "../../../src/channels/telegram/telegram-channel.js";
import { telegramBotId } from "../../../src/channels/telegram/update-inbox.js";
import type { ConversationCore, HandleResult } from "../../../src/core/conversation/conversation-core.js";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { createTelegramInboxStore, type TelegramInbox } from "../../../src/storage/stores/telegram-inbox-store.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotApiServer, type BotApiServer } from "../../support/telegram/bot-api-server.js";
import { BOT_USERNAME, waitUntil } from "./telegram-testbed.js";

// Telegram forgets an update once the bot polls with a higher offset, which the runner does before
// the update is handled. These tests crash a channel in exactly that gap and check that the next
// one, on the same database, still answers the resident.

const anna = { id: 4301, first_name: "Anna", language_code: "en" };
const eventIdOf = (update: Update) => `telegram:update:${update.update_id}`;

interface Handled {
  readonly eventId: string;
  readonly duplicate: boolean;
}

describe("Telegram updates kept in the database until handled", () => {
  let server: BotApiServer;
  let harness: CoreHarness;
  let inbox: TelegramInbox<Update>;
  const running: TelegramChannel[] = [];

  beforeAll(async () => {
    server = createBotApiServer({ botUsername: BOT_USERNAME });
    await server.start();
    harness = await createCoreHarness();
    inbox = createTelegramInboxStore<Update>(harness.access, { botId: telegramBotId(server.token) });
  });
  beforeEach(async () => {
    // What one test leaves behind must not be replayed into the next.
    await harness.db.prisma.telegramInboxUpdate.deleteMany();
  });
  afterEach(async () => {
    // Only one channel may poll at a time, as with Telegram itself.
    for (const channel of running.splice(0)) await channel.stop();
    expect(server.internalErrors()).toEqual([]);
  });
  afterAll(async () => {
    await server?.stop();
    await harness?.dispose();
  });

  /** The real core, recording what it was asked to handle and whether it was a duplicate. */
  function recordingCore(log: Handled[], before?: (event: InboundEvent) => Promise<void>): ConversationCore {
    return {
      commands: () => harness.core.commands(),
      localeFor: (senderId, hint) => harness.core.localeFor(senderId, hint),
      async handle(event, capabilities): Promise<HandleResult> {
        await before?.(event);
        const result = await harness.core.handle(event, capabilities);
        log.push({ eventId: event.eventId, duplicate: result.duplicate });
        return result;
      },
    };
  }

  async function startChannel(core: ConversationCore, options: { stopTimeoutMs?: number; inbox?: TelegramInbox<Update> } = {}): Promise<TelegramChannel> {
    const channel = createTelegramChannel({
      core,
      translator: harness.translator,
      logger: silentLogger,
      token: server.token,
      apiRoot: server.url,
      pollingTimeoutSeconds: 1,
      pollRetryMs: 50,
      stopTimeoutMs: options.stopTimeoutMs ?? 2_000,
      inbox: options.inbox ?? inbox,
    });
    running.push(channel);
    await channel.start();
    return channel;
  }

  async function stopChannel(channel: TelegramChannel): Promise<void> {
    running.splice(running.indexOf(channel), 1);
    await channel.stop();
  }

  async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error("condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const keptIds = async () => (await inbox.pending()).map((u) => u.update_id);

  it("answers a message whose handling a crash interrupted after Telegram had forgotten it", async () => {
    const update = server.userSendsText(anna, anna.id, "/start");
    let reachedCore = false;
    // Channel A: fetches the update, then "crashes" while the core works on it.
    const stuck: ConversationCore = {
      commands: () => harness.core.commands(),
      localeFor: (senderId, hint) => harness.core.localeFor(senderId, hint),
      handle(event, capabilities) {
        if (event.eventId !== eventIdOf(update)) return harness.core.handle(event, capabilities);
        reachedCore = true;
        return new Promise<HandleResult>(() => {});
      },
    };
    const a = await startChannel(stuck, { stopTimeoutMs: 50 });
    await waitUntil(() => reachedCore);
    // A polled again with a higher offset: the server has let go of the update.
    await waitUntil(() => server.calls("getUpdates").some((call) => Number(call.params.offset) > update.update_id));
    expect(await keptIds()).toEqual([update.update_id]);
    await stopChannel(a);

    // Nothing for a fresh poll: only the database still has the message.
    const direct = new Api(server.token, { apiRoot: server.url });
    expect(await direct.getUpdates({ timeout: 0 })).toEqual([]);
    expect(server.sentMessages(anna.id)).toEqual([]);
    expect(await harness.db.prisma.processedEvent.count({ where: { id: eventIdOf(update) } })).toBe(0);

    // Channel B, as after a restart: the real core, the same database.
    const handled: Handled[] = [];
    await startChannel(recordingCore(handled));
    const [welcome] = server.sentMessages(anna.id);
    expect(welcome?.text).toContain("Welcome to mitreden");
    expect(server.sentMessages(anna.id)).toHaveLength(1);
    expect(handled).toEqual([{ eventId: eventIdOf(update), duplicate: false }]);
    expect(await harness.db.prisma.processedEvent.count({ where: { id: eventIdOf(update) } })).toBe(1);
    expect(await keptIds()).toEqual([]);
  });

  it("keeps an update until it is handled and then removes it, ignored ones included", async () => {
    const handled: Handled[] = [];
    const keptWhileHandling: number[][] = [];
    await startChannel(recordingCore(handled, async () => void keptWhileHandling.push(await keptIds())));

    const before = server.sentMessages(anna.id).length;
    const help = server.userSendsText(anna, anna.id, "/help");
    await server.waitForMessages(before + 1, { chatId: anna.id });
    // Saved before the core saw it.
    expect(keptWhileHandling).toEqual([[help.update_id]]);
    await eventually(async () => (await keptIds()).length === 0);

    // Group chatter never reaches the core, and is still removed.
    const group = { id: -4301, type: "group" as const, title: "Dorfgespräch" };
    server.addChat(group);
    const chatter = server.userSendsText(anna, group, "Guten Morgen zusammen");
    await waitUntil(() => server.calls("getUpdates").some((call) => Number(call.params.offset) > chatter.update_id));
    await eventually(async () => (await keptIds()).length === 0);
    expect(handled.map((h) => h.eventId)).not.toContain(eventIdOf(chatter));
  });

  it("answers again from the kept reply when a crash left a handled update unremoved", async () => {
    const first: Handled[] = [];
    const channel = await startChannel(recordingCore(first));
    const before = server.sentMessages(anna.id).length;
    const help = server.userSendsText(anna, anna.id, "/help");
    await server.waitForMessages(before + 1, { chatId: anna.id });
    await stopChannel(channel);
    expect(await keptIds()).toEqual([]);

    // The crash came after the reply but before the removal reached the database: the channel
    // cannot tell whether the reply went out, so it goes out again (at least once, never lost).
    await inbox.save([help]);
    const second: Handled[] = [];
    await startChannel(recordingCore(second));
    expect(second).toEqual([{ eventId: eventIdOf(help), duplicate: true }]);
    const sent = server.sentMessages(anna.id);
    expect(sent).toHaveLength(before + 2);
    expect(sent[before + 1]?.text).toBe(sent[before]?.text);
    expect(await keptIds()).toEqual([]);
  });

  it("sends the replies of a turn that was saved when a crash stopped them from going out", async () => {
    const update = server.userSendsText(anna, anna.id, "/help");
    let saved: HandleResult | undefined;
    // Channel A: the turn commits, then the process "dies" before a single reply is sent.
    const diesAfterCommit: ConversationCore = {
      commands: () => harness.core.commands(),
      localeFor: (senderId, hint) => harness.core.localeFor(senderId, hint),
      async handle(event, capabilities) {
        const result = await harness.core.handle(event, capabilities);
        if (event.eventId !== eventIdOf(update)) return result;
        saved = result;
        return new Promise<HandleResult>(() => {});
      },
    };
    const before = server.sentMessages(anna.id).length;
    const a = await startChannel(diesAfterCommit, { stopTimeoutMs: 50 });
    await waitUntil(() => saved !== undefined);
    await stopChannel(a);
    expect(server.sentMessages(anna.id)).toHaveLength(before);
    expect(await harness.db.prisma.processedEvent.count({ where: { id: eventIdOf(update) } })).toBe(1);

    const handled: Handled[] = [];
    await startChannel(recordingCore(handled));
    expect(handled).toEqual([{ eventId: eventIdOf(update), duplicate: true }]);
    const sent = server.sentMessages(anna.id).slice(before);
    const original = saved!.messages;
    expect(sent.map((m) => m.rawText)).toEqual(original.map((m) => m.html));
    // Buttons come back too: the kept reply is the whole message, not only its text.
    const buttons = (m: { replyMarkup?: { inline_keyboard: { text: string }[][] } | undefined }) =>
      (m.replyMarkup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));
    expect(sent.map(buttons)).toEqual(original.map((m) => (m.choices ?? []).map((row) => row.map((c) => c.label))));
    expect(original.some((m) => (m.choices?.length ?? 0) > 0)).toBe(true);
    expect(await keptIds()).toEqual([]);
  });

  it("fetches a batch again when the database cannot keep it, and handles it once", async () => {
    let failures = 2;
    let attempts = 0;
    const flaky: TelegramInbox<Update> = {
      async save(updates) {
        attempts += 1;
        if (failures > 0) {
          failures -= 1;
          throw new Error("database unavailable");
        }
        await inbox.save(updates);
      },
      pending: () => inbox.pending(),
      remove: (ids) => inbox.remove(ids),
      noteReplay: (id) => inbox.noteReplay(id),
    };
    const handled: Handled[] = [];
    const before = server.sentMessages(anna.id).length;
    const help = server.userSendsText(anna, anna.id, "/help");
    await startChannel(recordingCore(handled), { inbox: flaky });
    await server.waitForMessages(before + 1, { chatId: anna.id });
    expect(attempts).toBe(3);
    expect(handled).toEqual([{ eventId: eventIdOf(help), duplicate: false }]);
    await eventually(async () => (await keptIds()).length === 0);
  });
});
