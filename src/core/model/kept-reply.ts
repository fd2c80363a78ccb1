import type { Locale } from "./locale.js";
import type { Choice, OutboundMessage } from "./outbound-message.js";

/**
 * One message of a kept reply: what was sent, with a picture reduced to its description (the
 * pictures of a turn can be megabytes, and the reply is kept on every turn's path).
 *
 * @example
 * const kept: KeptMessage = { html: "Danke!", imageAlt: "Foto: Die Bank am Teich" };
 */
export interface KeptMessage {
  readonly html: string;
  readonly choices?: readonly (readonly Choice[])[];
  readonly imageAlt?: string;
  readonly awaitsPhoto?: boolean;
}

/**
 * The replies of one handled event, kept with the event's id in the same unit of work. When the
 * process dies after the turn was saved but before its replies went out, the redelivered event is
 * a duplicate that changes nothing, and these replies are what the resident still gets.
 *
 * @example
 * const kept: KeptReply = { locale: "de", messages: [{ html: "Deine Idee ist eingereicht." }] };
 */
export interface KeptReply {
  readonly locale: Locale;
  readonly messages: readonly KeptMessage[];
}

/** Reduces a turn's replies to what is kept. */
export function keepReply(locale: Locale, messages: readonly OutboundMessage[]): KeptReply {
  return {
    locale,
    messages: messages.map((m) => ({
      html: m.html,
      ...(m.choices && m.choices.length > 0 ? { choices: m.choices } : {}),
      ...(m.image ? { imageAlt: m.image.alt } : {}),
      ...(m.awaitsPhoto ? { awaitsPhoto: true } : {}),
    })),
  };
}

/**
 * Turns kept messages back into messages to send; a picture comes back as its description,
 * rendered by `placeholder` (the translated "[Image: …]" line).
 */
export function restoreReply(kept: KeptReply, placeholder: (alt: string) => string): OutboundMessage[] {
  return kept.messages.map((m) => ({
    html: m.imageAlt === undefined ? m.html : `${m.html}\n\n${placeholder(m.imageAlt)}`,
    ...(m.choices ? { choices: m.choices } : {}),
    ...(m.awaitsPhoto ? { awaitsPhoto: true } : {}),
  }));
}
