/** The picture formats every channel can show: Telegram's photos are JPEG, charts and logos PNG. */
export type PhotoMimeType = "image/jpeg" | "image/png";

/**
 * The largest photo a resident may send. Telegram's own photos stay far below it (they are
 * recompressed to at most 2560 px); the limit keeps a raw camera file sent as a document, or a
 * Matrix upload, from bloating the database and every broadcast that carries it.
 */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The most pixels a resident's photo may have, checked before it is decoded. Telegram's rule
 * (width + height ≤ 10,000) alone still lets 25 megapixels through, such as a 100 KB PNG of
 * 5000×5000 that decodes to 100 MB. 16 megapixels keep what residents really send: Telegram's own
 * photos (at most 2560 px, 4.9 MP) and phone cameras' usual output (12–16 MP, e.g. 4032×3024 or
 * 4608×3456), while one decode at a time holds at most 64 MB (four 8-bit channels), which a small
 * server next to its database can spare. Full-size 20–24 MP camera files rarely fit in
 * PHOTO_MAX_BYTES as JPEG anyway; a resident can send them as an ordinary (recompressed) photo.
 */
export const PHOTO_MAX_PIXELS = 16_000_000;

/**
 * A photo as a channel received it from a resident. Channels download it before the core sees the
 * event, so a flow never waits on the network inside its unit of work; what could go wrong on the
 * way is a value the flow answers with a translated text.
 *
 * @example
 * const received: InboundPhoto = { status: "ok", bytes: jpegBytes, mimeType: "image/jpeg" };
 * const refused: InboundPhoto = { status: "too-large" };
 */
export type InboundPhoto =
  | { readonly status: "ok"; readonly bytes: Uint8Array; readonly mimeType: PhotoMimeType }
  /** Larger than PHOTO_MAX_BYTES, or more pixels than PHOTO_MAX_PIXELS. */
  | { readonly status: "too-large" }
  /** Not a JPEG or PNG picture (e.g. a GIF, a HEIC file, a PDF). */
  | { readonly status: "unsupported" }
  /** A JPEG or PNG that does not decode: truncated on the way, or its image data corrupt. */
  | { readonly status: "damaged" }
  /** The platform did not hand the file over (network, expired file, missing decryption key). */
  | { readonly status: "unavailable" };

/** The format by its first bytes; file names and declared types are not trusted. */
export function sniffImageType(bytes: Uint8Array): PhotoMimeType | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

/** The file extension that goes with a format, for file names channels must give uploads. */
export function extensionOf(mimeType: PhotoMimeType): "jpg" | "png" {
  return mimeType === "image/jpeg" ? "jpg" : "png";
}

/**
 * Telegram shows a photo only when width + height ≤ 10,000 and one side is at most 20 times the
 * other; a picture outside that would reach no Telegram moderator or resident as a picture.
 */
export function showableDimensions(size: { readonly w: number; readonly h: number }): boolean {
  return size.w + size.h <= 10_000 && Math.max(size.w, size.h) <= 20 * Math.min(size.w, size.h);
}

/**
 * Checks downloaded bytes by their header: within the size limit and a picture every channel can
 * show again. Cheap, so it runs first; whether the picture really decodes (and how many pixels
 * the decoder sees) is checked by the channels' photo decoder, outside the core.
 */
export function acceptPhotoBytes(bytes: Uint8Array): InboundPhoto {
  if (bytes.length > PHOTO_MAX_BYTES) return { status: "too-large" };
  const mimeType = sniffImageType(bytes);
  if (!mimeType) return { status: "unsupported" };
  // A JPEG or PNG whose header ends before its size is given was cut short on the way.
  const size = imageDimensions(bytes);
  if (!size) return { status: "damaged" };
  if (!showableDimensions(size)) return { status: "unsupported" };
  return { status: "ok", bytes, mimeType };
}

/**
 * Width and height of a PNG (IHDR chunk) or JPEG (first start-of-frame segment), so clients can
 * lay an image out before loading it; undefined for anything else or a truncated file.
 */
export function imageDimensions(bytes: Uint8Array): { w: number; h: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = sniffImageType(bytes);
  if (type === "image/png") {
    const isIhdr = bytes.length >= 24 && bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52;
    return isIhdr ? { w: view.getUint32(16), h: view.getUint32(20) } : undefined;
  }
  if (type !== "image/jpeg") return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(offset + 2);
    // SOF0–SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (offset + 9 > bytes.length) return undefined;
      const h = view.getUint16(offset + 5);
      const w = view.getUint16(offset + 7);
      return w > 0 && h > 0 ? { w, h } : undefined;
    }
    if (marker === 0xda || length < 2) return undefined; // image data began without a frame header
    offset += 2 + length;
  }
  return undefined;
}
