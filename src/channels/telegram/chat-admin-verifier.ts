import { GrammyError, type Api } from "grammy";
import type { ChatMember } from "grammy/types";
import type { ChatAdminVerdict, ChatAdminVerifier } from "../../core/ports/chat-admin-verifier.js";
import type { Logger } from "../../core/ports/logger.js";

/** "@name", "t.me/name", "https://t.me/name" → "@name"; "-100…" stays a number; anything else undefined. */
export function telegramChatRef(input: string): string | number | undefined {
  const value = input.trim();
  if (/^-?\d{1,20}$/.test(value)) {
    const id = Number(value);
    return Number.isSafeInteger(id) ? id : undefined;
  }
  const name = /^(?:https?:\/\/)?(?:t\.me\/|@)([A-Za-z][A-Za-z0-9_]{3,31})\/?$/.exec(value)?.[1];
  return name ? `@${name}` : undefined;
}

const isAdminStatus = (member: ChatMember) => member.status === "creator" || member.status === "administrator";

/**
 * Answers the core's "may this person subscribe that channel?" with Telegram's getChat and
 * getChatMember: the chat must exist, the bot must be an administrator there (in a channel one
 * that may post), and the person its creator or an administrator.
 *
 * @example
 * const verifier = createTelegramChatAdminVerifier({ api: createTelegramApi({ token }), logger });
 * await verifier.isAdmin("telegram", "@dorfkanal_hammah", "telegram:4711"); // { chatId: "-100…", title: "…" }
 */
export function createTelegramChatAdminVerifier(deps: { readonly api: Api; readonly logger: Logger }): ChatAdminVerifier {
  let botId: number | undefined;

  /** Telegram's refusals for a chat the bot cannot see (400 chat not found, 403 not a member). */
  const refused = (error: unknown) => error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403);

  return {
    async isAdmin(channel, chatRef, userId): Promise<ChatAdminVerdict> {
      if (channel !== "telegram") return "unsupported";
      const user = /^telegram:(\d+)$/.exec(userId)?.[1];
      if (!user) return "not-admin";
      const ref = telegramChatRef(chatRef);
      if (ref === undefined) return "unknown-chat";
      botId ??= (await deps.api.getMe()).id;

      let chat;
      try {
        chat = await deps.api.getChat(ref);
      } catch (error) {
        if (!refused(error)) throw error;
        deps.logger.debug({ chatRef, description: (error as GrammyError).description }, "chat for a subscription not found");
        return error instanceof GrammyError && error.error_code === 403 ? "bot-not-admin" : "unknown-chat";
      }
      if (chat.type === "private") return "unknown-chat";
      const title = "title" in chat && typeof chat.title === "string" ? chat.title : undefined;

      try {
        const bot = await deps.api.getChatMember(chat.id, botId);
        const canPost = bot.status === "creator" || (bot.status === "administrator" && (chat.type !== "channel" || bot.can_post_messages !== false));
        if (!canPost) return "bot-not-admin";
      } catch (error) {
        if (!refused(error)) throw error;
        return "bot-not-admin";
      }
      try {
        const member = await deps.api.getChatMember(chat.id, Number(user));
        if (!isAdminStatus(member)) return "not-admin";
      } catch (error) {
        if (!refused(error)) throw error;
        return "not-admin";
      }
      return { chatId: String(chat.id), ...(title ? { title } : {}) };
    },
  };
}
