export { createTelegramChannel, TELEGRAM_CAPABILITIES, type TelegramChannel, type TelegramChannelDeps } from "./telegram-channel.js";
export { createTelegramSender, createTelegramApi, type TelegramSenderDeps } from "./telegram-sender.js";
export { createCallbackCodec, deriveCallbackSecret, CallbackDataTooLongError, MAX_ACTION_BYTES, type CallbackCodec } from "./callback-codec.js";
export { telegramDeepLink } from "./deep-link.js";
export { classifySendError } from "./send-outcome.js";
export { createTelegramChatAdminVerifier, telegramChatRef } from "./chat-admin-verifier.js";
