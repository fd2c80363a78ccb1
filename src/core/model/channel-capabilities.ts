/**
 * How large one message may be on a channel. Every limit is optional: a missing one means the
 * channel has none (the terminal). Channels split longer content themselves (see
 * core/render/split-message.ts), so the core may produce messages of any length.
 *
 * @example
 * const telegram: MessageLimits = { textChars: 4096, captionChars: 1024, actionBytes: 64 };
 * const matrix: MessageLimits = { eventBytes: 65_536 };
 */
export interface MessageLimits {
  /**
   * Longest text of one message, counted as its plain text after the HTML is parsed (tags gone,
   * entities such as `&amp;` counting as the one character they stand for), in UTF-16 code units,
   * the way Telegram counts.
   */
  readonly textChars?: number;
  /** Longest caption under an image, counted like `textChars`. */
  readonly captionChars?: number;
  /**
   * Largest event as the homeserver stores it, in bytes of its JSON: content (plain body and HTML
   * body) plus the envelope the server adds (ids, hashes, signatures).
   */
  readonly eventBytes?: number;
  /** Largest encoded button payload (signature included), in UTF-8 bytes. */
  readonly actionBytes?: number;
}

/**
 * What a channel can show. The core renders the same messages everywhere; a channel without
 * buttons shows a numbered list instead, one without images shows the image's alt text.
 * `limits` tells how large one message may be there.
 *
 * @example
 * const terminal: ChannelCapabilities = { buttons: false, images: false, html: false, edits: false, files: true, commandPrefix: "/", limits: {} };
 */
export interface ChannelCapabilities {
  readonly buttons: boolean;
  readonly images: boolean;
  readonly html: boolean;
  readonly edits: boolean;
  /** Whether a message's `file` reaches the reader (as a document, an upload or a file on disk). */
  readonly files: boolean;
  /**
   * What a command starts with when residents type it here, as shown in help and hints: "/" on
   * most messengers, "!" where the client takes "/" for its own commands (Matrix clients do).
   */
  readonly commandPrefix: string;
  readonly limits: MessageLimits;
}
