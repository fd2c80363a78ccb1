import type { InboundEvent } from "../model/inbound-event.js";
import type { Locale } from "../model/locale.js";
import type { Choice, OutboundMessage } from "../model/outbound-message.js";
import type { Resident } from "../model/resident.js";
import type { RoleGrant } from "../model/role.js";
import type { ChannelCapabilities } from "../model/channel-capabilities.js";
import type { ConversationState } from "../ports/stores.js";
import type { TranslationValues } from "../ports/translator.js";
import type { Logger } from "../ports/logger.js";

/**
 * Everything a feature may see and do while handling one inbound event. It is created per event
 * inside the event's unit of work; replies are sent by the channel after the work is committed.
 *
 * @example
 * turn.say("help:intro", {}, [[{ label: turn.t("menu:title"), action: "menu:open" }]]);
 */
export interface Turn {
  readonly event: InboundEvent;
  readonly capabilities: ChannelCapabilities;
  readonly resident: Resident;
  readonly locale: Locale;
  readonly state: ConversationState;
  readonly log: Logger;
  /** A translation in the core's HTML subset, values escaped. */
  t(key: string, values?: TranslationValues): string;
  /**
   * A translation for a choice's label: plain text, because buttons and numbered lists show no
   * HTML (an idea titled "Bänke & Tische" must not read "Bänke &amp; Tische" on its button).
   */
  label(key: string, values?: TranslationValues): string;
  /** Adds a message to the replies. */
  reply(message: OutboundMessage): void;
  /** Shortcut: translated text with optional choices. */
  say(key: string, values?: TranslationValues, choices?: readonly (readonly Choice[])[]): void;
  /** Continues a multi-step flow with the next text or choice of this chat. */
  enter(flow: string, step: string, data?: Readonly<Record<string, unknown>>): void;
  /** Leaves whatever flow the chat was in. */
  leave(): void;
  /** The resident as changed during this turn (e.g. after a language change). */
  setResident(resident: Resident): void;
  roles(): Promise<readonly RoleGrant[]>;
  /** Runs another action as if the resident had chosen it (e.g. after onboarding, a deep link). */
  dispatch(action: string): Promise<void>;
  /**
   * The resident was erased during this turn: nothing of the turn is written back (no conversation
   * state, no kept replies), so the chat keeps nothing that points to them. The replies are still sent.
   */
  forgetResident(): void;
}
