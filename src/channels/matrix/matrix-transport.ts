import type { MatrixClient } from "matrix-bot-sdk";
import type { Locale } from "../../core/model/locale.js";
import type { OutboundFile, OutboundMessage } from "../../core/model/outbound-message.js";
import { extensionOf, imageDimensions, sniffImageType } from "../../core/model/photo.js";
import { renderTextEvents, type DeepLinkLine } from "./render-message.js";

/**
 * Puts events into rooms with caller-chosen transaction ids: the homeserver answers a repeated
 * PUT with the same txn id with the first event instead of a second one, so a retried delivery is
 * never shown twice. Where end-to-end encryption runs and the room is encrypted, events and images
 * are encrypted first.
 */
export interface MatrixTransport {
  putEvent(roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<string>;
  /**
   * Sends the image (if any) and then the text, as several events when it is too long for one,
   * then the file (if any) as an m.file event; returns the last event's id. `locale` is the message's language, for the line that
   * replaces a deep-link choice. Every event has its own transaction id derived from `txnBase`,
   * so a resent message shows each part once.
   */
  sendOutbound(roomId: string, message: OutboundMessage, txnBase: string, locale?: Locale): Promise<string>;
}

export interface MatrixTransportOptions {
  /** The line shown for a deep-link choice in `locale`; without it such a choice is numbered like any other. */
  readonly deepLinkLine?: (locale: Locale | undefined) => DeepLinkLine;
}

/**
 * The transaction id of a message's `index`-th text event. The first keeps the id a message of one
 * event always had, so a delivery retried across an upgrade is still recognised.
 */
export const textTxn = (txnBase: string, index: number): string => (index === 0 ? `${txnBase}.txt` : `${txnBase}.txt.${index}`);

export function createMatrixTransport(client: MatrixClient, options: MatrixTransportOptions = {}): MatrixTransport {
  const encrypting = async (roomId: string): Promise<boolean> =>
    Boolean(client.crypto) && (await client.crypto.isRoomEncrypted(roomId));

  async function putEvent(roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<string> {
    let eventType = type;
    let eventContent: unknown = content;
    if (await encrypting(roomId)) {
      eventContent = await client.crypto.encryptRoomEvent(roomId, type, content);
      eventType = "m.room.encrypted";
    }
    const path =
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/` +
      `${encodeURIComponent(eventType)}/${encodeURIComponent(txnId)}`;
    const response = (await client.doRequest("PUT", path, null, eventContent)) as { event_id?: unknown };
    if (typeof response.event_id !== "string") throw new Error(`homeserver answered a send without event_id`);
    return response.event_id;
  }

  async function imageContent(roomId: string, bytes: Uint8Array, alt: string): Promise<Record<string, unknown>> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const mimetype = sniffImageType(bytes) ?? "image/png";
    const filename = `image.${extensionOf(mimetype)}`;
    const info = { mimetype, size: data.length, ...imageDimensions(bytes) };
    const base = { msgtype: "m.image", body: alt, filename, info };
    if (await encrypting(roomId)) {
      const encrypted = await client.crypto.encryptMedia(data);
      const url = await client.uploadContent(encrypted.buffer, "application/octet-stream");
      return { ...base, file: { ...encrypted.file, url } };
    }
    return { ...base, url: await client.uploadContent(data, mimetype, filename) };
  }

  /**
   * An m.file event for `file`, uploaded like images are: in an encrypted room the bytes are
   * encrypted first and the key travels inside the (encrypted) event, never to the media store.
   */
  async function fileContent(roomId: string, file: OutboundFile): Promise<Record<string, unknown>> {
    const data = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
    const base = { msgtype: "m.file", body: file.fileName, filename: file.fileName, info: { mimetype: file.mimeType, size: data.length } };
    if (await encrypting(roomId)) {
      const encrypted = await client.crypto.encryptMedia(data);
      const url = await client.uploadContent(encrypted.buffer, "application/octet-stream");
      return { ...base, file: { ...encrypted.file, url } };
    }
    return { ...base, url: await client.uploadContent(data, file.mimeType, file.fileName) };
  }

  return {
    putEvent,
    async sendOutbound(roomId, message, txnBase, locale) {
      if (message.image && message.file) throw new Error("a message carries an image or a file, not both");
      if (message.image) {
        await putEvent(roomId, "m.room.message", await imageContent(roomId, message.image.bytes, message.image.alt), `${txnBase}.img`);
      }
      const parts = renderTextEvents(message, options.deepLinkLine?.(locale), { encrypted: await encrypting(roomId) });
      let last = "";
      for (const [index, content] of parts.entries()) last = await putEvent(roomId, "m.room.message", { ...content }, textTxn(txnBase, index));
      // The text (the file's accompanying words and any numbered choices) first, the file under it.
      if (message.file) last = await putEvent(roomId, "m.room.message", await fileContent(roomId, message.file), `${txnBase}.file`);
      return last;
    },
  };
}
