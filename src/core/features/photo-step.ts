import type { Turn } from "../conversation/turn.js";
import type { Choice, OutboundImage } from "../model/outbound-message.js";
import { PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, type InboundPhoto } from "../model/photo.js";
import type { PhotoStore, StoredPhoto } from "../ports/photo-store.js";
import type { TranslationValues } from "../ports/translator.js";

/** The stored photo an idea, news item or draft points at, if it has one that is still kept. */
export async function storedPhoto(
  photos: Pick<PhotoStore, "get">,
  photoId: number | null | undefined,
): Promise<StoredPhoto | undefined> {
  return photoId === null || photoId === undefined ? undefined : photos.get(photoId);
}

/**
 * The image of a stored photo for a message, or undefined when there is none (or it was removed
 * since: a draft may outlive an abandoned photo, and then the item simply goes without one).
 */
export async function imageOf(
  photos: Pick<PhotoStore, "get">,
  photoId: number | null | undefined,
  alt: string,
): Promise<OutboundImage | undefined> {
  const photo = await storedPhoto(photos, photoId);
  return photo ? { bytes: photo.bytes, alt } : undefined;
}

/**
 * Asks for a photo (or, after an unusable one, for another): a translated text with `choices`
 * that marks the message as awaiting a photo, so every channel can say how to attach one.
 */
export function askForPhoto(
  turn: Turn,
  key: string,
  values: TranslationValues,
  choices: readonly (readonly Choice[])[],
): void {
  turn.reply({ html: turn.t(key, values), choices, awaitsPhoto: true });
}

/**
 * Keeps a usable photo the resident just sent and returns its id; for one that cannot be used,
 * answers why (with `choices`, so the step can still be skipped) and returns undefined.
 */
export async function keepPhoto(
  photos: Pick<PhotoStore, "save">,
  turn: Turn,
  photo: InboundPhoto,
  choices: readonly (readonly Choice[])[],
): Promise<number | undefined> {
  switch (photo.status) {
    case "ok":
      return photos.save({ bytes: photo.bytes, mimeType: photo.mimeType }, turn.resident.id);
    case "too-large":
      askForPhoto(turn, "common:photo-too-large", { max: PHOTO_MAX_BYTES / 1024 / 1024, megapixels: PHOTO_MAX_PIXELS / 1_000_000 }, choices);
      return undefined;
    case "unsupported":
      askForPhoto(turn, "common:photo-unsupported", {}, choices);
      return undefined;
    case "damaged":
      askForPhoto(turn, "common:photo-damaged", {}, choices);
      return undefined;
    case "unavailable":
      askForPhoto(turn, "common:photo-unavailable", {}, choices);
      return undefined;
  }
}

/** A stored photo id kept in a flow's data, if any. */
export function photoIdIn(data: Readonly<Record<string, unknown>>): number | undefined {
  const value = data["photoId"];
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}
