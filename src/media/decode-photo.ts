/**
 * Decodes a resident's photo for real and stores only a fresh encoding of its pixels. A header
 * alone says nothing about the rest of a file: a truncated upload, corrupt image data or a tiny
 * PNG that expands to tens of megabytes all look fine there, and moderators would then approve a
 * picture they cannot see. Re-encoding also drops every piece of metadata, above all EXIF GPS
 * positions, which for a photo of "the broken bench in front of my house" is a resident's home.
 *
 * sharp (libvips) stays out of the core; it is loaded on the first photo, so start-up and
 * processes that never see one (the admin CLI) do not pay for the native library.
 */
import type { Sharp, SharpOptions } from "sharp";
import {
  PHOTO_MAX_BYTES,
  PHOTO_MAX_PIXELS,
  showableDimensions,
  type InboundPhoto,
  type PhotoMimeType,
} from "../core/model/photo.js";
import type { Logger } from "../core/ports/logger.js";

/**
 * What decoding made of a photo: the new bytes to store, or why there are none.
 *
 * @example
 * const result: DecodedPhoto = await decodePhoto(bytes, "image/jpeg", log);
 * if (result.status === "ok") save(result.bytes, result.mimeType);
 */
export type DecodedPhoto = Extract<InboundPhoto, { status: "ok" | "too-large" | "unsupported" | "damaged" }>;

/**
 * JPEG quality of the new encoding: visually the same as a phone's own (which save at 85–95),
 * clearly smaller. mozjpeg is off: on this kind of server it took 3.4 s instead of 0.5 s for a
 * 12 MP photo, for files a quarter smaller, and one photo at a time must not block the others.
 */
const JPEG_QUALITY = 85;

/** A backstop for files built to decode slowly (e.g. thousands of progressive scans). */
const DECODE_TIMEOUT_SECONDS = 15;

type SharpFactory = (input: Uint8Array, options: SharpOptions) => Sharp;

let sharpLoaded: Promise<SharpFactory> | undefined;

/** sharp, loaded once; its cache and thread pool kept small because photos are rare and a server small. */
function loadSharp(): Promise<SharpFactory> {
  sharpLoaded ??= import("sharp").then(({ default: sharp }) => {
    // Every photo is decoded once: a cache would only keep megabytes of pixels alive.
    sharp.cache(false);
    // One libvips thread per image: the bot and its database share two cores with it.
    sharp.concurrency(1);
    return (input, options) => sharp(input, options);
  });
  return sharpLoaded;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs decodes one after another, so memory holds at most one decoded picture at any time. */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

const SHARP_FORMAT: Record<PhotoMimeType, string> = { "image/jpeg": "jpeg", "image/png": "png" };

/**
 * Decodes `bytes` (whose header said `mimeType`) completely and encodes the pixels anew: turned
 * upright by their EXIF orientation, without any metadata, JPEG as JPEG and PNG as PNG (lossless,
 * so screenshots of notices or plans stay legible; a PNG whose new encoding would pass the byte
 * limit becomes a JPEG instead). More pixels than PHOTO_MAX_PIXELS are refused before decoding.
 * A file the decoder refuses (truncated, corrupt) is "damaged"; a failure to load sharp throws.
 *
 * @example
 * const photo = await decodePhoto(downloaded, "image/jpeg", log);
 * // photo.status === "ok": photo.bytes is a new JPEG without EXIF, rotated upright
 */
export async function decodePhoto(bytes: Uint8Array, mimeType: PhotoMimeType, log: Logger): Promise<DecodedPhoto> {
  const sharp = await loadSharp();
  return oneAtATime(async () => {
    const options: SharpOptions = {
      // "warning" is libvips' strictest level: truncated files and corrupt image data are refused
      // rather than shown as grey or garbled areas nobody can judge.
      failOn: "warning",
      // Checked again by libvips itself against the header it decodes from, before any pixel.
      limitInputPixels: PHOTO_MAX_PIXELS,
      autoOrient: true,
    };
    let metadata;
    try {
      // Reads the header only; the pixel count is answered here, before libvips is asked to decode.
      metadata = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
    } catch (err) {
      log.info({ err }, "a resident's photo has an unreadable header");
      return { status: "damaged" };
    }
    if (metadata.format !== SHARP_FORMAT[mimeType]) return { status: "unsupported" };
    if (metadata.width * metadata.height > PHOTO_MAX_PIXELS) return { status: "too-large" };
    try {
      return await reencode(sharp(bytes, options).timeout({ seconds: DECODE_TIMEOUT_SECONDS }), mimeType, metadata.hasAlpha);
    } catch (err) {
      log.info({ err }, "a resident's photo does not decode");
      return { status: "damaged" };
    }
  });
}

async function reencode(image: Sharp, mimeType: PhotoMimeType, hasAlpha: boolean): Promise<DecodedPhoto> {
  // No keepMetadata, withExif or keepIccProfile: sharp writes no metadata of any kind.
  const encoded =
    mimeType === "image/png"
      ? await image.clone().png().toBuffer({ resolveWithObject: true })
      : await image.clone().jpeg({ quality: JPEG_QUALITY, mozjpeg: false }).toBuffer({ resolveWithObject: true });
  let result = { bytes: encoded.data, mimeType, info: encoded.info };
  if (mimeType === "image/png" && encoded.data.length > PHOTO_MAX_BYTES) {
    const flat = hasAlpha ? image.clone().flatten({ background: "#ffffff" }) : image.clone();
    const jpeg = await flat.jpeg({ quality: JPEG_QUALITY, mozjpeg: false }).toBuffer({ resolveWithObject: true });
    result = { bytes: jpeg.data, mimeType: "image/jpeg", info: jpeg.info };
  }
  if (result.bytes.length > PHOTO_MAX_BYTES) return { status: "too-large" };
  if (!showableDimensions({ w: result.info.width, h: result.info.height })) return { status: "unsupported" };
  return { status: "ok", bytes: result.bytes, mimeType: result.mimeType };
}
