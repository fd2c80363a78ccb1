import { readCapped } from "../receive-photo.js";
import type { MxcLocation } from "./inbound-media.js";

/** Fetches media from the bot's homeserver. */
export interface MediaDownloader {
  /** The bytes behind an mxc URI, read up to `maxBytes` (PhotoTooLargeError beyond). */
  download(location: MxcLocation, signal: AbortSignal, maxBytes: number): Promise<Uint8Array>;
}

/** Thrown for a download the homeserver refused; carries no request headers (the token stays out of logs). */
export class MediaDownloadError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string | undefined,
  ) {
    super(`media download answered HTTP ${status}${errcode ? ` ${errcode}` : ""}`);
    this.name = "MediaDownloadError";
  }
}

async function errcodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as unknown;
    const errcode = typeof body === "object" && body !== null ? (body as Record<string, unknown>)["errcode"] : undefined;
    return typeof errcode === "string" ? errcode : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Downloads through the authenticated media endpoint (Matrix 1.11), which Synapse requires for
 * media uploaded since it turned authenticated media on by default; servers that predate the
 * endpoint answer M_UNRECOGNIZED, and only then the legacy unauthenticated endpoint is asked.
 */
export function createMediaDownloader(homeserverUrl: string, accessToken: string): MediaDownloader {
  const base = homeserverUrl.replace(/\/+$/, "");
  const get = (path: string, signal: AbortSignal) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${accessToken}` }, signal });

  return {
    async download(location, signal, maxBytes) {
      const media = `${encodeURIComponent(location.serverName)}/${encodeURIComponent(location.mediaId)}`;
      let response = await get(`/_matrix/client/v1/media/download/${media}`, signal);
      if (!response.ok) {
        const errcode = await errcodeOf(response);
        if (errcode !== "M_UNRECOGNIZED" || (response.status !== 404 && response.status !== 405)) {
          throw new MediaDownloadError(response.status, errcode);
        }
        response = await get(`/_matrix/media/v3/download/${media}`, signal);
        if (!response.ok) throw new MediaDownloadError(response.status, await errcodeOf(response));
      }
      return readCapped(response, maxBytes);
    },
  };
}
