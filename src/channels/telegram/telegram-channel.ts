import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import { Bot, BotError, type Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { ConversationCore } from "../../core/conversation/conversation-core.js";
import type { ChannelCapabilities } from "../../core/model/channel-capabilities.js";
import type { InboundEvent } from "../../core/model/inbound-event.js";
import { DEFAULT_LOCALE, matchLocale, type Locale } from "../../core/model/locale.js";
import type { Logger } from "../../core/ports/logger.js";
import type { Translator } from "../../core/ports/translator.js";
import { htmlToPlain } from "../../core/render/plain-text.js";
import { cleanDeep } from "../../core/text/clean-text.js";
import type { QuarantineStore } from "../../storage/stores/quarantine-store.js";
import type { TelegramInbox } from "../../storage/stores/telegram-inbox-store.js";
import { errorReason, quarantineEvent } from "../quarantine-event.js";
import { receivePhoto } from "../receive-photo.js";
import { createCallbackCodec, deriveCallbackSecret, type CallbackCodec } from "./callback-codec.js";
import { createChatAdminCheck } from "./chat-admins.js";
import { telegramDeepLink } from "./deep-link.js";
import { decideUpdate, type InboundDecision } from "./inbound.js";
import { telegramPhotoSource } from "./photo-download.js";
import { registerCommands } from "./register-commands.js";
import { createRetryAfterTransformer } from "./retry-after.js";
import { sendOutbound, TELEGRAM_LIMITS } from "./send-message.js";
import { createUpdateInbox, telegramBotId, type SetAside } from "./update-inbox.js";

/** Telegram shows buttons, photos and HTML. Edits are possible on Telegram but not used yet. */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = { buttons: true, images: true, html: true, edits: false, files: true, commandPrefix: "/", limits: TELEGRAM_LIMITS };

const POLL_RETRY_MS = 5_000;

/** The update types the bot asks for; anything else is never fetched. */
const ALLOWED_UPDATES = ["message", "callback_query", "channel_post"] as const;

export interface TelegramChannelDeps {
  readonly core: ConversationCore;
  readonly translator: Translator;
  readonly logger: Logger;
  /** The token from BotFather. Never logged. */
  readonly token: string;
  /** Another Bot API server (a local telegram-bot-api, or the tests' loopback one). */
  readonly apiRoot?: string;
  /** Key for signing button data; derived from the token when unset. */
  readonly callbackSecret?: string | Uint8Array;
  /** Skips getMe at start when the bot's identity is known already. */
  readonly botInfo?: UserFromGetMe;
  /** Seconds one getUpdates call waits for news (default 30). */
  readonly pollingTimeoutSeconds?: number;
  /** The longest 429 wait a direct reply sits out (default 60 s). */
  readonly maxRetryWaitMs?: number;
  /** The pause after a failed fetch of updates (default 5 s), however long the outage lasts. */
  readonly pollRetryMs?: number;
  /** How long a graceful stop waits for updates still being handled (default 10 s). */
  readonly stopTimeoutMs?: number;
  /**
   * Where fetched updates wait until they are handled, so a crash loses none. Without it an update
   * Telegram handed over is gone if the process dies before handling it.
   */
  readonly inbox?: TelegramInbox<Update>;
  /**
   * Where updates are set aside that cannot be stored (with the inbox), whose handling failed, or
   * whose replay kept being interrupted, for admins to look at. Without it they are only logged.
   */
  readonly quarantine?: QuarantineStore;
}

/** The private chat and sender of an update, when it has both. */
function privateSender(update: Update): { chatId: number; languageCode?: string } | undefined {
  const from = update.message?.from ?? update.callback_query?.from;
  const chat = update.message?.chat ?? update.callback_query?.message?.chat;
  if (!from || !chat || chat.type !== "private" || from.is_bot) return undefined;
  return { chatId: chat.id, ...(from.language_code ? { languageCode: from.language_code } : {}) };
}

export interface TelegramChannel {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bot's username (known after start). */
  readonly username: string;
  readonly codec: CallbackCodec;
  /** `https://t.me/<bot>?start=<payload>`, for announcements; only after start. */
  deepLink(payload: string): string;
  /** The grammY bot, for the composition root (e.g. to share its Api); not for features. */
  readonly bot: Bot;
}

/**
 * The Telegram channel: long polling through @grammyjs/runner, updates of one chat handled one
 * after another, everything else in parallel. Updates become core events; the core's replies go
 * back as HTML messages with inline keyboards and photos.
 *
 * @example
 * const telegram = createTelegramChannel({ core, translator, logger, token: config.telegram.token });
 * await telegram.start();
 * // … on shutdown:
 * await telegram.stop();
 */
export function createTelegramChannel(deps: TelegramChannelDeps): TelegramChannel {
  const logger = deps.logger.child({ channel: "telegram" });
  const bot = new Bot(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) },
  });
  // The runner runs silently (it would print to the console); its polling failures are logged here.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const response = await prev(method, payload, signal);
      if (!response.ok && method === "getUpdates") {
        logger.warn({ errorCode: response.error_code, description: response.description }, "Telegram refused getUpdates");
      }
      return response;
    } catch (err) {
      if (method === "getUpdates" && !signal?.aborted) logger.warn({ err }, "fetching Telegram updates failed; retrying");
      throw err;
    }
  });
  bot.api.config.use(createRetryAfterTransformer({ logger, ...(deps.maxRetryWaitMs ? { maxWaitMs: deps.maxRetryWaitMs } : {}) }));
  // Every update is cleaned as it arrives, before the inbox stores it and before grammY reads it:
  // PostgreSQL refuses U+0000 and lone surrogates, and other controls only garble what people see.
  bot.api.config.use(async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== "getUpdates" || !response.ok) return response;
    return { ...response, result: cleanDeep(response.result) };
  });
  const t = (locale: Locale, key: string) => deps.translator.t(locale, key);
  const localeFrom = (hint: string | undefined): Locale => matchLocale(hint) ?? DEFAULT_LOCALE;
  const botId = telegramBotId(deps.token);

  /** Tells the sender in a private chat that their last message could not be read. */
  async function tellUnreadable(update: Update): Promise<void> {
    const sender = privateSender(update);
    if (!sender) return;
    try {
      await bot.api.sendMessage(sender.chatId, t(localeFrom(sender.languageCode), "common:unreadable"), { parse_mode: "HTML" });
    } catch (err) {
      logger.warn({ err, chat: sender.chatId }, "could not tell the sender that their message could not be read");
    }
  }

  const setAside: SetAside = async (update, reason, cause) => {
    if (!deps.quarantine) return false;
    const id = await quarantineEvent(deps.quarantine, logger, { channel: "telegram", instance: botId, eventId: String(update.update_id), reason, payload: update });
    if (id === undefined) return false;
    // Stored updates were handled (and apologised for) already; one that never got stored was not.
    if (cause === "storing") await tellUnreadable(update);
    return true;
  };
  const inbox = deps.inbox ? createUpdateInbox({ inbox: deps.inbox, logger, ...(deps.quarantine ? { setAside } : {}) }) : undefined;
  // Outermost, so the runner gets a batch only once it is saved.
  if (inbox) bot.api.config.use(inbox.transformer);
  const codec = createCallbackCodec({ secret: deps.callbackSecret ?? deriveCallbackSecret(deps.token) });
  const admins = createChatAdminCheck({ api: bot.api, logger });
  const inFlight = new Set<Promise<void>>();
  // Updates kept from an earlier run: their replies may never have gone out.
  const replaying = new Set<number>();
  let runner: RunnerHandle | undefined;

  async function answer(ctx: Context, callbackQueryId: string, text?: string): Promise<void> {
    try {
      await ctx.api.answerCallbackQuery(callbackQueryId, text ? { text } : {});
    } catch (err) {
      // A redelivered or very old query cannot be answered again; nothing is lost.
      logger.debug({ err, updateId: ctx.update.update_id }, "callback query not answered");
    }
  }

  async function handle(ctx: Context, decision: InboundDecision): Promise<void> {
    if (decision.kind === "ignore") {
      if (decision.callbackQueryId) await answer(ctx, decision.callbackQueryId);
      return;
    }
    if (decision.kind === "stale-callback") {
      logger.info({ updateId: ctx.update.update_id, chat: ctx.chat?.id }, "refused button data with a wrong signature");
      const locale = await deps.core.localeFor(decision.senderId, decision.localeHint);
      await answer(ctx, decision.callbackQueryId, htmlToPlain(t(locale, "common:stale-action")));
      return;
    }
    let event: InboundEvent;
    if (decision.kind === "photo") {
      // Downloaded before the core runs, so its unit of work never waits on Telegram.
      const source = telegramPhotoSource(decision.file, { api: ctx.api, token: deps.token, ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) });
      const photo = await receivePhoto(source, logger.child({ updateId: ctx.update.update_id }));
      event = { ...decision.event, payload: { type: "photo", photo, ...(decision.caption !== undefined ? { caption: decision.caption } : {}) } };
    } else {
      // Answered at once so the client's spinner stops even while the core is busy.
      if (decision.callbackQueryId) await answer(ctx, decision.callbackQueryId);
      event = decision.event;
      if (decision.adminCheck && !event.senderIsChatAdmin) {
        event = { ...event, senderIsChatAdmin: await admins.isAdmin(decision.adminCheck.chatId, decision.adminCheck.userId) };
      }
    }
    if (replaying.has(ctx.update.update_id)) event = { ...event, redelivered: true };
    // A plain duplicate has no messages; a redelivered one may bring its kept replies.
    const result = await deps.core.handle(event, TELEGRAM_CAPABILITIES);
    for (const message of result.messages) await sendOutbound(ctx.api, event.chat.id, message, codec, { botUsername: ctx.me.username });
  }

  bot.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));
  bot.use(async (ctx) => {
    // Marked handled inside the tracked work, so a stop's final flush includes it.
    const work = handle(ctx, decideUpdate(ctx.update, { id: ctx.me.id, username: ctx.me.username }, codec, new Date())).then(() =>
      inbox?.handled(ctx.update.update_id),
    );
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });

  // The one error boundary: log with context, then apologise in the chat when there is one.
  bot.catch(async (error: BotError) => {
    const ctx = error.ctx;
    logger.error(
      { err: error.error, updateId: ctx.update.update_id, chat: ctx.chat?.id, chatType: ctx.chat?.type },
      "handling a Telegram update failed",
    );
    try {
      if (ctx.chat) {
        // The resident's chosen language, read outside the failed unit of work; the app's language only as fallback.
        const locale = ctx.from ? await deps.core.localeFor(`telegram:${ctx.from.id}`, ctx.from.language_code) : localeFrom(undefined);
        await ctx.api.sendMessage(ctx.chat.id, t(locale, "common:apology"), { parse_mode: "HTML" });
      }
    } catch (err) {
      logger.warn({ err, chat: ctx.chat?.id }, "could not send the apology either");
    }
    try {
      await setAside(ctx.update, errorReason("handling failed", error.error), "handling");
    } finally {
      // Not kept for a replay: the same update would most likely fail the same way again.
      inbox?.handled(ctx.update.update_id);
    }
  });

  /** One update through the same path the runner uses, error boundary included. */
  async function handleOne(update: Update): Promise<void> {
    try {
      await bot.handleUpdate(update);
    } catch (err) {
      if (!(err instanceof BotError)) throw err;
      await bot.errorHandler(err);
    }
  }

  return {
    bot,
    codec,
    get username() {
      return bot.botInfo.username;
    },
    deepLink: (payload) => telegramDeepLink(bot.botInfo.username, payload),

    async start() {
      if (runner) return;
      await bot.init();
      try {
        // Long polling and a webhook exclude each other; a webhook left from earlier would block getUpdates.
        await bot.api.deleteWebhook();
      } catch (err) {
        logger.warn({ err }, "could not remove a webhook; long polling may fail");
      }
      await registerCommands({ api: bot.api, commands: deps.core.commands(), translator: deps.translator, logger });
      // Before polling: what a crash left behind comes first, and in the order it arrived.
      if (inbox) {
        await inbox.replay(async (update) => {
          replaying.add(update.update_id);
          try {
            // Kept by an earlier version perhaps, before updates were cleaned on arrival.
            await handleOne(cleanDeep(update));
          } finally {
            replaying.delete(update.update_id);
          }
        });
      }
      const handle = run(bot, {
        runner: {
          silent: true,
          fetch: { timeout: deps.pollingTimeoutSeconds ?? 30, allowed_updates: ALLOWED_UPDATES },
          // The runner's default doubles the pause after every failed fetch and gives up for good
          // after 15 hours; a bot must come back within seconds of Telegram or its database.
          retryInterval: deps.pollRetryMs ?? POLL_RETRY_MS,
          maxRetryTime: Number.POSITIVE_INFINITY,
        },
      });
      runner = handle;
      handle.task()?.catch((err: unknown) => logger.error({ err }, "Telegram long polling stopped; check the token and that no other instance polls"));
      logger.info({ bot: bot.botInfo.username }, "Telegram channel started");
    },

    async stop() {
      const handle = runner;
      runner = undefined;
      if (!handle) return;
      if (handle.isRunning()) await handle.stop();
      const pending = Promise.allSettled([...inFlight]);
      const limit = new Promise<void>((resolve) => setTimeout(resolve, deps.stopTimeoutMs ?? 10_000).unref());
      await Promise.race([pending, limit]);
      await inbox?.flush();
      logger.info({}, "Telegram channel stopped");
    },
  };
}
