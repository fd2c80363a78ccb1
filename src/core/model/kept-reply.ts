import type { Locale } from "./locale.js";
import type { Choice, OutboundMessage } from "./outbound-message.js";

/**
 * One message of a kept reply: what was sent, with a picture reduced to its description (the
 * pictures of a turn can be megabytes, and the reply is kept on every turn's path) and a file to
 * its name: a file can be a resident's whole data export, personal data that must not linger in
 * the processed-event records; a redelivery says to ask for it again instead.
 *
 * @example
 * const kept: KeptMessage = { html: "Danke!", imageAlt: "Foto: Die Bank am Teich" };
 * const withFile: KeptMessage = { html: "Deine Daten", fileName: "mydata-2026-11-27.json" };
 */
export interface KeptMessage {
  readonly html: string;
  readonly choices?: readonly (readonly Choice[])[];
  readonly imageAlt?: string;
  /** The name of a file the message carried; its bytes are never kept. */
  readonly fileName?: string;
  readonly awaitsPhoto?: boolean;
}

/**
 * The translated lines that stand in for what a kept reply does not hold: "[Image: …]" for a
 * picture, and for a file a line saying it is not kept and how to ask for it again.
 */
export interface KeptPlaceholders {
  image(alt: string): string;
  file(fileName: string): string;
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
      ...(m.file ? { fileName: m.file.fileName } : {}),
      ...(m.awaitsPhoto ? { awaitsPhoto: true } : {}),
    })),
  };
}

/**
 * Turns kept messages back into messages to send; a picture comes back as its description and a
 * file as the line saying to ask for it again, both rendered by `placeholders`.
 */
export function restoreReply(kept: KeptReply, placeholders: KeptPlaceholders): OutboundMessage[] {
  return kept.messages.map((m) => ({
    html: [
      m.html,
      ...(m.imageAlt === undefined ? [] : [placeholders.image(m.imageAlt)]),
      ...(m.fileName === undefined ? [] : [placeholders.file(m.fileName)]),
    ].join("\n\n"),
    ...(m.choices ? { choices: m.choices } : {}),
    ...(m.awaitsPhoto ? { awaitsPhoto: true } : {}),
  }));
}
