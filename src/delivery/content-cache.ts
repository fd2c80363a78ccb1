import type { OutboundMessage } from "../core/model/outbound-message.js";

/** Limits of the rendered contents a dispatcher keeps. */
export interface ContentCacheLimits {
  /** How many contents at most. */
  readonly entries: number;
  /** Picture bytes of all contents together; residents' photos are up to 5 MB each. */
  readonly imageBytes: number;
}

export interface ContentCache {
  get(key: string): OutboundMessage | undefined;
  set(key: string, message: OutboundMessage): void;
  /** Picture bytes held now. */
  readonly imageBytes: number;
  readonly size: number;
}

const imageBytesOf = (message: OutboundMessage) => message.image?.bytes.byteLength ?? 0;

/**
 * The broadcast contents a dispatcher sends, rendered once and reused for every recipient. Only
 * a few publishes are in flight at once, so the oldest goes first once either limit is passed; the
 * newest always stays, however large its picture.
 */
export function createContentCache(limits: ContentCacheLimits): ContentCache {
  const entries = new Map<string, OutboundMessage>();
  let imageBytes = 0;
  return {
    get: (key) => entries.get(key),
    set(key, message) {
      const previous = entries.get(key);
      if (previous) {
        imageBytes -= imageBytesOf(previous);
        entries.delete(key);
      }
      entries.set(key, message);
      imageBytes += imageBytesOf(message);
      while (entries.size > limits.entries || (imageBytes > limits.imageBytes && entries.size > 1)) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, OutboundMessage];
        imageBytes -= imageBytesOf(oldest);
        entries.delete(oldestKey);
      }
    },
    get imageBytes() {
      return imageBytes;
    },
    get size() {
      return entries.size;
    },
  };
}
