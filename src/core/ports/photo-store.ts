import type { PhotoMimeType } from "../model/photo.js";

/**
 * A photo kept in the database, e.g. the one attached to an idea or a news item.
 *
 * @example
 * const photo: StoredPhoto = { id: 3, bytes: jpegBytes, mimeType: "image/jpeg" };
 */
export interface StoredPhoto {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly mimeType: PhotoMimeType;
}

/**
 * Photos residents sent. A photo is saved the moment it arrives, in the same unit of work as the
 * conversation step that asked for it, so a draft never points at a photo that was not kept.
 * Photos no idea or news item took up are removed by maintenance after some weeks.
 */
export interface PhotoStore {
  save(photo: { readonly bytes: Uint8Array; readonly mimeType: PhotoMimeType }, ownerResidentId: number): Promise<number>;
  get(photoId: number): Promise<StoredPhoto | undefined>;
}
