import type { Api } from "grammy";
import type { BotCommand, BotCommandScope } from "grammy/types";
import type { CommandSpec } from "../../core/conversation/feature.js";
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, type Locale } from "../../core/model/locale.js";
import type { Logger } from "../../core/ports/logger.js";
import type { Translator } from "../../core/ports/translator.js";
import { htmlToPlain } from "../../core/render/plain-text.js";

const TELEGRAM_COMMAND = /^[a-z0-9_]{1,32}$/;

/** Commands every resident may use in a private chat: what Telegram's "/" menu shows there. */
export function privateMenuCommands(commands: readonly CommandSpec[]): CommandSpec[] {
  return commands.filter((c) => c.scope !== "group" && (c.audience ?? "resident") === "resident");
}

/** Commands for group menus: those usable in groups by residents or by the group's admins. */
export function groupMenuCommands(commands: readonly CommandSpec[]): CommandSpec[] {
  return commands.filter((c) => c.scope !== "private" && ["resident", "chat-admin"].includes(c.audience ?? "resident"));
}

function botCommands(commands: readonly CommandSpec[], locale: Locale, translator: Translator): BotCommand[] {
  return commands
    .filter((c) => TELEGRAM_COMMAND.test(c.name))
    .map((c) => ({ command: c.name, description: htmlToPlain(translator.t(locale, c.descriptionKey)).slice(0, 256) || c.name }));
}

/**
 * Registers the command menus per language: German as the default for every language, English
 * for English clients, and a separate menu for groups. Returns whether every call succeeded; a
 * failure is logged and never stops the bot, because commands work without the menu.
 */
export async function registerCommands(deps: {
  readonly api: Api;
  readonly commands: readonly CommandSpec[];
  readonly translator: Translator;
  readonly logger: Logger;
}): Promise<boolean> {
  const menus: { scope: BotCommandScope; list: CommandSpec[] }[] = [
    { scope: { type: "default" }, list: privateMenuCommands(deps.commands) },
    { scope: { type: "all_group_chats" }, list: groupMenuCommands(deps.commands) },
  ];
  const languages: (Locale | undefined)[] = [undefined, ...SUPPORTED_LOCALES];
  let ok = true;
  for (const menu of menus) {
    for (const language of languages) {
      const commands = botCommands(menu.list, language ?? DEFAULT_LOCALE, deps.translator);
      try {
        await deps.api.setMyCommands(commands, { scope: menu.scope, ...(language ? { language_code: language } : {}) });
      } catch (err) {
        ok = false;
        deps.logger.warn({ err, scope: menu.scope.type, language: language ?? "default" }, "could not register the command menu; commands still work");
      }
    }
  }
  return ok;
}
