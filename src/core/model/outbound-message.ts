/**
 * One choice offered to a resident. `action` is a core action string such as "settings:lang:en";
 * channels with buttons encode it into their button payload, others render a numbered list.
 *
 * @example
 * const choice: Choice = { label: "English", action: "settings:lang:en" };
 */
export interface Choice {
  readonly label: string;
  readonly action: string;
}

/**
 * A picture attached to a message: PNG or JPEG bytes (channels tell them apart with
 * `sniffImageType`); `alt` is the translated text for channels without images.
 *
 * @example
 * const chart: OutboundImage = { bytes: pngBytes, alt: "Balkendiagramm der Antworten" };
 */
export interface OutboundImage {
  readonly bytes: Uint8Array;
  readonly alt: string;
}

/**
 * A file attached to a message, e.g. a resident's data export. Channels deliver it as a document
 * (Telegram), an uploaded m.file (Matrix) or a file written to disk whose path is shown (the
 * terminal); the core attaches one only where `ChannelCapabilities.files` says it arrives.
 *
 * @example
 * const file: OutboundFile = { bytes: new TextEncoder().encode("{}"), fileName: "mydata-2026-11-27.json", mimeType: "application/json" };
 */
export interface OutboundFile {
  readonly bytes: Uint8Array;
  /** The name shown to the reader and used when saving: a plain name without folders. */
  readonly fileName: string;
  readonly mimeType: string;
}

/**
 * A message the core wants shown, already translated. `html` is a small, safe HTML subset
 * (b, i, a href, code, pre, line breaks as "\n"); every resident-written value inside it is escaped.
 * Choices are grouped in rows, as buttons are laid out on Telegram.
 *
 * @example
 * const message: OutboundMessage = {
 *   html: "<b>Einstellungen</b>\nWas möchtest du ändern?",
 *   choices: [[{ label: "Sprache", action: "settings:lang" }], [{ label: "Wohnort", action: "settings:area" }]],
 * };
 */
export interface OutboundMessage {
  readonly html: string;
  readonly choices?: readonly (readonly Choice[])[];
  readonly image?: OutboundImage;
  /**
   * A file to hand over; `html` is then its caption or accompanying text. A message carries an
   * image or a file, never both (channels treat both as a bug). Files go only to the chat a turn
   * answers: they are never published through the outbox, and kept replies drop their bytes.
   */
  readonly file?: OutboundFile;
  /**
   * The message asks the resident for a photo. Messengers have an attach button and ignore it;
   * the terminal, where attaching is not obvious, adds how to send one.
   */
  readonly awaitsPhoto?: boolean;
}

/** All choices of a message in reading order; "2" picks the second of these. */
export function flattenChoices(message: OutboundMessage): Choice[] {
  return (message.choices ?? []).flatMap((row) => [...row]);
}
