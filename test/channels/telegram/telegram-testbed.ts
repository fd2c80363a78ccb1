import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import type { Feature } from "../../../src/core/conversation/feature.js";
import type { Logger } from "../../../src/core/ports/logger.js";
import { createTelegramChannel, type TelegramChannel } from "../../../src/channels/telegram/telegram-channel.js";
import { telegramBotId } from "../../../src/channels/telegram/update-inbox.js";
import { createTelegramInboxStore } from "../../../src/storage/stores/telegram-inbox-store.js";
import { createCoreHarness, type CoreHarness, type CoreHarnessOptions } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotApiServer, type BotApiServer, type SentMessage } from "../../support/telegram/bot-api-server.js";
import type { Faults } from "../../support/telegram/bot-api-server.js";

export const BOT_USERNAME = "mitreden_test_bot";

export interface TelegramTestbed {
  readonly server: BotApiServer;
  readonly harness: CoreHarness;
  readonly channel: TelegramChannel;
  /** Messages the bot sent into `chatId` after `since` (a count of earlier messages), once it went quiet. */
  repliesAfter(chatId: number, since: number, options?: { min?: number; quietMs?: number; timeoutMs?: number }): Promise<SentMessage[]>;
  dispose(): Promise<void>;
}

/**
 * A real grammY bot (the Telegram channel) long-polling the loopback Bot API server, with the
 * conversation core on a fresh test database. `beforeStart` may inject faults before start().
 */
export async function createTelegramTestbed(
  options: {
    extraFeatures?: readonly Feature[];
    /** Features built on the harness's own access and stores (e.g. the app's assembleFeatures). */
    features?: CoreHarnessOptions["features"];
    beforeStart?: (faults: Faults) => void;
    /** The channel's logger (silent by default), e.g. to check what gets logged. */
    logger?: Logger;
    /** Keep fetched updates in the database until handled, as the app does (default true). */
    inbox?: boolean;
  } = {},
): Promise<TelegramTestbed> {
  const server = createBotApiServer({ botUsername: BOT_USERNAME });
  await server.start();
  const harness = await createCoreHarness({
    ...(options.extraFeatures ? { extraFeatures: options.extraFeatures } : {}),
    ...(options.features ? { features: options.features } : {}),
  });
  // Follows harness.restart(), which rebuilds the core over the same database.
  const core: ConversationCore = {
    handle: (event, capabilities) => harness.core.handle(event, capabilities),
    commands: () => harness.core.commands(),
    localeFor: (senderId, hint) => harness.core.localeFor(senderId, hint),
  };
  const channel = createTelegramChannel({
    core,
    translator: harness.translator,
    logger: options.logger ?? silentLogger,
    token: server.token,
    apiRoot: server.url,
    pollingTimeoutSeconds: 5,
    pollRetryMs: 100,
    stopTimeoutMs: 2_000,
    ...(options.inbox === false ? {} : { inbox: createTelegramInboxStore(harness.access, { botId: telegramBotId(server.token) }) }),
  });
  options.beforeStart?.(server.faults);
  await channel.start();

  return {
    server,
    harness,
    channel,
    async repliesAfter(chatId, since, { min = 1, quietMs = 250, timeoutMs = 5_000 } = {}) {
      await server.waitForMessages(since + min, { chatId, timeoutMs });
      // Replies go out one after another; once none followed for a moment, the turn is complete.
      let count = server.sentMessages(chatId).length;
      for (let i = 0; i < 40; i++) {
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        const now = server.sentMessages(chatId).length;
        if (now === count) break;
        count = now;
      }
      return server.sentMessages(chatId).slice(since);
    },
    async dispose() {
      await channel.stop();
      await server.stop();
      await harness.dispose();
    },
  };
}

/** The labels and callback data of a sent message's inline keyboard, in reading order. */
export function buttonsOf(message: SentMessage | undefined): { label: string; data: string }[] {
  return (message?.replyMarkup?.inline_keyboard ?? []).flat().flatMap((b) =>
    "callback_data" in b && typeof b.callback_data === "string" ? [{ label: b.text, data: b.callback_data }] : [],
  );
}

export async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
