import type { InboundPhoto } from "../model/photo.js";
import type { Turn } from "./turn.js";

/** Where a command may be used. Private flows never run in groups, where others would read along. */
export type CommandScope = "private" | "group" | "any";

/**
 * A command a feature answers, without its "/" (Telegram) or "!" (Matrix) prefix.
 *
 * @example
 * const help: CommandSpec = { name: "help", scope: "any", descriptionKey: "help:command", run: (turn) => showHelp(turn) };
 */
export interface CommandSpec {
  readonly name: string;
  readonly scope: CommandScope;
  /** i18n key of the one-line description shown by /help and in Telegram's command menu. */
  readonly descriptionKey: string;
  /** Whom /help shows it to; the command itself still checks roles. */
  readonly audience?: "resident" | "moderator" | "council" | "admin" | "initiative_manager" | "chat-admin";
  /** Usable before onboarding is finished (e.g. /link from a second messenger, /help). */
  readonly beforeOnboarding?: boolean;
  run(turn: Turn, args: string): Promise<void>;
}

/** An entry of the main menu. */
export interface MenuEntry {
  readonly order: number;
  readonly labelKey: string;
  readonly action: string;
}

/**
 * One capability of the bot (settings, surveys, ideas, …). Actions whose first segment equals `id`
 * are routed to `handleAction`; free text is routed to `handleText`, and a photo to `handlePhoto`,
 * while the chat is in a flow named `id`.
 *
 * @example
 * const feature: Feature = { id: "help", commands: [help], async handleAction(turn) { await showHelp(turn); } };
 */
export interface Feature {
  readonly id: string;
  readonly commands?: readonly CommandSpec[];
  readonly menuEntries?: readonly MenuEntry[];
  /** Deep-link prefixes this feature opens, e.g. "survey" for `/start survey_12`. */
  readonly deepLinks?: Readonly<Record<string, (turn: Turn, argument: string) => Promise<void>>>;
  /**
   * Its actions also run before onboarding is finished (confirming a /link typed in a second
   * messenger, which brings the onboarding of the first).
   */
  readonly actionsBeforeOnboarding?: boolean;
  /**
   * Verbs of its actions that create or extend a resident's contributions (support, report,
   * submit, follow). Pressed in a group by a resident whose consent lapsed, they are refused.
   */
  readonly contributions?: readonly string[];
  /**
   * Verbs of its actions that are staff work on others' data (an admin's survey overview pages).
   * Like the commands of a staff audience, they run for a sender holding a role before that person
   * finished onboarding. A feature whose commands all have a staff audience needs no list: all its
   * actions and its flow's text count as staff work.
   */
  readonly staffVerbs?: readonly string[];
  handleAction?(turn: Turn, verb: string, args: readonly string[]): Promise<void>;
  handleText?(turn: Turn, text: string): Promise<void>;
  /** A photo sent in a private chat while in this feature's flow; `caption` is the text beside it. */
  handlePhoto?(turn: Turn, photo: InboundPhoto, caption: string | undefined): Promise<void>;
}
