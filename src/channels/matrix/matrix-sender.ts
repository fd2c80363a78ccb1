import type { ChannelSender } from "../../core/ports/channel-sender.js";
import type { Logger } from "../../core/ports/logger.js";
import { sendOutcomeOf } from "./matrix-errors.js";
import type { MatrixTransport } from "./matrix-transport.js";

/**
 * The outbox dispatcher's way into Matrix. chatId is the room id; the idempotency key becomes the
 * transaction id, so a delivery retried after a lost answer appears once. Waiting on rate limits is
 * the dispatcher's job: M_LIMIT_EXCEEDED comes back as a "retry-after" outcome, not as a sleep.
 *
 * @example
 * const outcome = await sender.send("!abc:example.org", { html: "<b>Neu</b>" }, "de", "delivery-815");
 */
export function createMatrixSender(deps: { readonly transport: MatrixTransport; readonly logger: Logger }): ChannelSender {
  return {
    channel: "matrix",
    numbersChoices: true,
    async send(chatId, message, locale, idempotencyKey) {
      try {
        const messageId = await deps.transport.sendOutbound(chatId, message, `o.${idempotencyKey}`, locale);
        return { kind: "sent", messageId };
      } catch (error) {
        const outcome = sendOutcomeOf(error);
        deps.logger.debug({ roomId: chatId, idempotencyKey, outcome }, "matrix delivery not sent");
        return outcome;
      }
    },
  };
}
