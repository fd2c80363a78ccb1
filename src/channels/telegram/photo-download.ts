import { GrammyError, HttpError, type Api } from "grammy";
import { PhotoTooLargeError, readCapped, type PhotoSource } from "../receive-photo.js";
import type { TelegramFileRef } from "./inbound.js";

/** Where grammY talks to Telegram unless another Bot API server is configured. */
export const TELEGRAM_API_ROOT = "https://api.telegram.org";

/**
 * A failed file download, described without the download URL: Telegram puts the bot token into
 * that URL, and this error ends up in the logs. It carries no `cause` for the same reason, since
 * log serialisers print causes and the original errors may quote the URL.
 */
export class TelegramFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TelegramFileError";
  }
}

export interface TelegramPhotoSourceOptions {
  readonly api: Api;
  /** The token, needed in the download path; it never appears in an error this module throws. */
  readonly token: string;
  /** The Bot API server, without a trailing slash; Telegram's own by default. */
  readonly apiRoot?: string;
}

/** grammY types its signals with a polyfill package; at run time it only listens for "abort". */
type GrammySignal = Parameters<Api["getFile"]>[1];

function describe(err: unknown): string {
  if (err instanceof GrammyError) return `${err.error_code}: ${err.description}`;
  // grammY leaves the URL out of HttpError's message unless sensitive logs are on; its `error` field is skipped.
  if (err instanceof HttpError) return err.message;
  if (err instanceof Error) return err.name === "TimeoutError" || err.name === "AbortError" ? err.name : `${err.name}: ${err.message}`;
  return "unknown error";
}

/**
 * How the Telegram channel fetches a resident's photo: getFile names the path, then the file is
 * read from `<apiRoot>/file/bot<token>/<path>` with the size cap applied while reading.
 */
export function telegramPhotoSource(file: TelegramFileRef, options: TelegramPhotoSourceOptions): PhotoSource {
  const root = options.apiRoot ?? TELEGRAM_API_ROOT;
  const failure = (step: string, err: unknown) => new TelegramFileError(`${step} failed: ${describe(err)}`.replaceAll(options.token, "<token>"));
  return {
    declaredBytes: file.declaredBytes,
    async download(signal, maxBytes) {
      let path: string;
      try {
        const info = await options.api.getFile(file.fileId, signal as GrammySignal);
        // getFile may know the size when the update did not; no need to fetch what will be refused.
        if (info.file_size !== undefined && info.file_size > maxBytes) throw new PhotoTooLargeError();
        if (!info.file_path) throw new TelegramFileError("getFile returned no file_path (file too big for the Bot API?)");
        path = info.file_path;
      } catch (err) {
        if (err instanceof PhotoTooLargeError || err instanceof TelegramFileError) throw err;
        throw failure("getFile", err);
      }
      try {
        const response = await fetch(`${root}/file/bot${options.token}/${path}`, { signal });
        return await readCapped(response, maxBytes);
      } catch (err) {
        if (err instanceof PhotoTooLargeError) throw err;
        throw failure("file download", err);
      }
    },
  };
}
