import { Api } from "grammy";
import type { ChannelSender, SendOutcome } from "../../core/ports/channel-sender.js";
import type { Logger } from "../../core/ports/logger.js";
import { CallbackDataTooLongError, type CallbackCodec } from "./callback-codec.js";
import { sendOutbound } from "./send-message.js";
import { classifySendError } from "./send-outcome.js";

export interface TelegramSenderDeps {
  /** An Api without the retry transformer: the dispatcher, not the sender, decides when to retry. */
  readonly api: Api;
  /** The same codec as the channel's, so buttons in broadcasts work when pressed. */
  readonly codec: CallbackCodec;
  readonly logger: Logger;
  /** Pay for up to 1,000 messages/s instead of about 30 (Telegram Stars are charged). */
  readonly allowPaidBroadcast?: boolean;
  /**
   * The bot's username (the channel's `username` after start). With it, a survey announcement's
   * "take part" choice in a group becomes a link button that opens the private chat.
   */
  readonly botUsername?: string;
}

/** A bare Bot API client for the outbox sender, with no retrying of its own. */
export function createTelegramApi(options: { readonly token: string; readonly apiRoot?: string }): Api {
  return new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
}

/**
 * Delivers outbox messages to Telegram chats and reports what happened without waiting: 429 →
 * retry-after, blocked or missing chats → gone, upgraded groups → migrated, server or network
 * trouble → transient, anything else Telegram refuses → permanent.
 *
 * A message with a photo and a caption too long for it, or with more text than one Telegram
 * message holds, is several sends (see sendOutbound); if a later one fails, a retry sends the
 * earlier ones again (Telegram has no idempotency keys). The reported message id is the last one's.
 *
 * @example
 * const sender = createTelegramSender({ api: createTelegramApi({ token }), codec: telegram.codec, logger, botUsername: telegram.username });
 * await sender.send("12345", { html: "<b>Neu:</b> Umfrage" }, "de", "delivery:17");
 */
export function createTelegramSender(deps: TelegramSenderDeps): ChannelSender {
  return {
    channel: "telegram",
    async send(chatId, message, _locale, idempotencyKey): Promise<SendOutcome> {
      try {
        const sent = await sendOutbound(deps.api, chatId, message, deps.codec, {
          ...(deps.allowPaidBroadcast ? { allowPaidBroadcast: true } : {}),
          ...(deps.botUsername ? { botUsername: deps.botUsername } : {}),
        });
        const last = sent.at(-1);
        return { kind: "sent", ...(last ? { messageId: String(last.message_id) } : {}) };
      } catch (error) {
        if (error instanceof CallbackDataTooLongError) {
          deps.logger.error({ err: error, idempotencyKey }, "a broadcast carries an action too long for Telegram");
          return { kind: "permanent", reason: error.message };
        }
        const outcome = classifySendError(error);
        if (outcome.kind === "permanent") deps.logger.warn({ chatId, idempotencyKey, reason: outcome.reason }, "Telegram refused a delivery");
        return outcome;
      }
    },
  };
}
