import { cleanText } from "../../core/text/clean-text.js";
import type { RawEvent } from "./sync-loop.js";

/** Where a piece of Matrix media lives: mxc://<serverName>/<mediaId>. */
export interface MxcLocation {
  readonly serverName: string;
  readonly mediaId: string;
}

/**
 * What the channel does with a picture a resident sent: fetch it (and decrypt it, when the event
 * carries an EncryptedFile), or answer with a status right away because fetching cannot help.
 */
export type InboundMedia =
  | {
      readonly kind: "fetch";
      readonly location: MxcLocation;
      /** The EncryptedFile (key, iv, hashes) of media in an encrypted room; the bytes are ciphertext. */
      readonly encryptedFile?: Readonly<Record<string, unknown>>;
      /** info.size as the sender's client declared it. */
      readonly declaredBytes?: number;
      readonly caption?: string;
    }
  | { readonly kind: "refuse"; readonly status: "unsupported" | "unavailable"; readonly caption?: string };

const PHOTO_MIME_TYPES = new Set(["image/jpeg", "image/png"]);

// Media ids are opaque but restricted to URL-safe characters by the spec; server names are a host
// (name, IPv4 or [IPv6]) with an optional port. Anything else would build a different request path.
const MXC = /^mxc:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?\/([A-Za-z0-9_-]+)$/;

/** The parts of an mxc:// URI, or undefined for anything that is not one. */
export function parseMxc(uri: unknown): MxcLocation | undefined {
  if (typeof uri !== "string") return undefined;
  const match = MXC.exec(uri);
  if (!match) return undefined;
  return { serverName: `${match[1]}${match[2] ?? ""}`, mediaId: match[3]! };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The caption of a media event. Since Matrix 1.10, `body` is a caption only when `filename` is
 * present and differs from it; otherwise `body` is just the file name and there is no caption.
 */
function captionOf(content: Record<string, unknown>): string | undefined {
  const { body, filename } = content;
  if (typeof body !== "string" || typeof filename !== "string" || filename === "" || filename === body) return undefined;
  const caption = cleanText(body).trim();
  return caption === "" ? undefined : caption;
}

/**
 * Recognises a picture in an m.room.message: msgtype m.image, or m.file whose declared type is
 * JPEG or PNG (a file without a declared type is fetched and judged by its bytes; any other
 * declared type is refused as unsupported without fetching). Returns undefined for everything
 * else, including edits, which the bot ignores as it does for text.
 */
export function inboundMedia(event: RawEvent): InboundMedia | undefined {
  const { content } = event;
  const msgtype = content["msgtype"];
  if (msgtype !== "m.image" && msgtype !== "m.file") return undefined;
  const relation = content["m.relates_to"];
  if (isRecord(relation) && relation["rel_type"] === "m.replace") return undefined;

  const caption = captionOf(content);
  const withCaption = caption === undefined ? {} : { caption };
  const info = isRecord(content["info"]) ? content["info"] : {};
  const mimetype = info["mimetype"];
  if (msgtype === "m.file" && typeof mimetype === "string" && !PHOTO_MIME_TYPES.has(mimetype.toLowerCase())) {
    return { kind: "refuse", status: "unsupported", ...withCaption };
  }

  const size = info["size"];
  const declared = typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? { declaredBytes: size } : {};
  const file = content["file"];
  if (isRecord(file)) {
    const location = parseMxc(file["url"]);
    if (!location) return { kind: "refuse", status: "unavailable", ...withCaption };
    return { kind: "fetch", location, encryptedFile: file, ...declared, ...withCaption };
  }
  const location = parseMxc(content["url"]);
  if (!location) return { kind: "refuse", status: "unavailable", ...withCaption };
  return { kind: "fetch", location, ...declared, ...withCaption };
}
