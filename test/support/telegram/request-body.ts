/**
 * Request body parsing for the loopback Bot API server: JSON, urlencoded, multipart/form-data and
 * query strings, the four ways Telegram accepts parameters. Values stay as they arrived (strings
 * from forms, typed values from JSON); the accessors in `params.ts` coerce per parameter, which is
 * what Telegram does too.
 */
import type { IncomingMessage } from "node:http";

/** A file part of a multipart body. */
export interface UploadedPart {
  readonly fieldName: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
}

/** Parameters of one Bot API call plus any uploaded files, keyed by multipart field name. */
export interface ParsedRequest {
  readonly params: Record<string, unknown>;
  readonly files: ReadonlyMap<string, UploadedPart>;
}

/** Thrown for bodies Telegram would reject before looking at the method. */
export class BodyParseError extends Error {}

// Telegram accepts uploads up to 50 MB; anything bigger here is a test bug, not a scenario.
const MAX_BODY_BYTES = 60 * 1024 * 1024;

/** Reads the whole body; small JSON bodies are the hot path, so chunks are only concatenated once. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyParseError("Request Entity Too Large");
    chunks.push(buf);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** Turns a request's query string and body into Bot API parameters. */
export function parseRequest(contentType: string | undefined, query: URLSearchParams, body: Buffer): ParsedRequest {
  const params: Record<string, unknown> = {};
  for (const [key, value] of query) params[key] = value;
  const files = new Map<string, UploadedPart>();
  const type = (contentType ?? "").toLowerCase();
  if (body.length === 0) return { params, files };

  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new BodyParseError("Bad Request: can't parse JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new BodyParseError("Bad Request: JSON body must be an object");
    }
    Object.assign(params, parsed);
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) params[key] = value;
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
    const value = boundary?.[1] ?? boundary?.[2];
    if (value === undefined) throw new BodyParseError("Bad Request: multipart boundary missing");
    for (const part of parseMultipart(body, value.trim())) {
      if (part.filename === undefined) params[part.fieldName] = part.bytes.toString("utf8");
      else files.set(part.fieldName, part);
    }
  }
  return { params, files };
}

/**
 * Minimal multipart/form-data splitter. grammY writes header lines without spaces
 * (`content-disposition:form-data;name="x";filename=photo.png`), browsers and curl with spaces and
 * quotes, so header parsing is deliberately lenient.
 */
export function parseMultipart(body: Buffer, boundary: string): UploadedPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: UploadedPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) throw new BodyParseError("Bad Request: multipart boundary not found");
  while (true) {
    let cursor = start + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break;
    if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) cursor += 2;
    const next = body.indexOf(delimiter, cursor);
    if (next < 0) throw new BodyParseError("Bad Request: multipart body not terminated");
    // The CRLF before the next delimiter belongs to the delimiter, not to the content.
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const headerEnd = body.indexOf("\r\n\r\n", cursor);
    if (headerEnd < 0 || headerEnd > end) throw new BodyParseError("Bad Request: malformed multipart part");
    const headers = body.subarray(cursor, headerEnd).toString("utf8").split("\r\n");
    let fieldName: string | undefined;
    let filename: string | undefined;
    let partType: string | undefined;
    for (const line of headers) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-disposition") {
        fieldName = dispositionValue(value, "name");
        filename = dispositionValue(value, "filename");
      } else if (name === "content-type") {
        partType = value;
      }
    }
    if (fieldName === undefined) throw new BodyParseError("Bad Request: multipart part without name");
    parts.push({ fieldName, filename, contentType: partType, bytes: Buffer.from(body.subarray(headerEnd + 4, end)) });
    start = next;
  }
  return parts;
}

function dispositionValue(disposition: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;]*))`, "i").exec(disposition);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? "").trim();
}
