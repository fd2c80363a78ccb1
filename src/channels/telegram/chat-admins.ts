import type { Api } from "grammy";
import type { Logger } from "../../core/ports/logger.js";

export interface ChatAdminCheck {
  /** Whether the user administers the chat; false when Telegram cannot tell us. */
  isAdmin(chatId: number, userId: number): Promise<boolean>;
}

/**
 * Asks Telegram whether someone administers a group, remembering the answer briefly so a burst
 * of commands in one group costs one getChatMember call.
 */
export function createChatAdminCheck(deps: {
  readonly api: Api;
  readonly logger: Logger;
  readonly ttlMs?: number;
  readonly now?: () => number;
}): ChatAdminCheck {
  const ttlMs = deps.ttlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { admin: boolean; until: number }>();
  return {
    async isAdmin(chatId, userId) {
      const key = `${chatId}:${userId}`;
      const cached = cache.get(key);
      if (cached && cached.until > now()) return cached.admin;
      try {
        const member = await deps.api.getChatMember(chatId, userId);
        const admin = member.status === "creator" || member.status === "administrator";
        if (cache.size > 10_000) cache.clear();
        cache.set(key, { admin, until: now() + ttlMs });
        return admin;
      } catch (err) {
        deps.logger.warn({ err, chatId }, "could not check chat admin status; treating the sender as a member");
        return false;
      }
    },
  };
}
