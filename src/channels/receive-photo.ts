import { acceptPhotoBytes, PHOTO_MAX_BYTES, type InboundPhoto } from "../core/model/photo.js";
import type { Logger } from "../core/ports/logger.js";
import { decodePhoto } from "../media/decode-photo.js";

/** How a channel gets at one photo a resident sent. */
export interface PhotoSource {
  /** The size the platform announced, if any; a larger one is refused without downloading. */
  readonly declaredBytes?: number | undefined;
  /** Fetches the bytes; may stop early with PhotoTooLargeError once the limit is passed. */
  download(signal: AbortSignal, maxBytes: number): Promise<Uint8Array>;
}

/** Thrown by a download that passed the size limit part-way. */
export class PhotoTooLargeError extends Error {
  constructor() {
    super("photo larger than the limit");
    this.name = "PhotoTooLargeError";
  }
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Downloads, checks and decodes a resident's photo before the core sees the event, so the core's
 * unit of work never waits on the network or the decoder. Every failure becomes an InboundPhoto
 * status the flow answers; an "ok" photo carries freshly encoded bytes without any metadata.
 */
export async function receivePhoto(source: PhotoSource, log: Logger, timeoutMs = DOWNLOAD_TIMEOUT_MS): Promise<InboundPhoto> {
  if (source.declaredBytes !== undefined && source.declaredBytes > PHOTO_MAX_BYTES) return { status: "too-large" };
  let bytes: Uint8Array;
  try {
    bytes = await source.download(AbortSignal.timeout(timeoutMs), PHOTO_MAX_BYTES);
  } catch (err) {
    if (err instanceof PhotoTooLargeError) return { status: "too-large" };
    log.warn({ err }, "could not download a photo a resident sent");
    return { status: "unavailable" };
  }
  // The header check is cheap and refuses most unusable files before the decoder starts.
  const checked = acceptPhotoBytes(bytes);
  return checked.status === "ok" ? decodePhoto(checked.bytes, checked.mimeType, log) : checked;
}

/** Reads an HTTP body, stopping as soon as it passes `maxBytes` (a declared length is not trusted). */
export async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (!response.ok) throw new Error(`download answered HTTP ${response.status}`);
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new PhotoTooLargeError();
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PhotoTooLargeError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
