import { sniffImageType } from "../../core/model/photo.js";
import type { PhotoStore } from "../../core/ports/photo-store.js";
import type { PrismaAccess } from "../prisma-access.js";

export function createPhotoStore(db: PrismaAccess): PhotoStore {
  return {
    async save(photo, ownerResidentId) {
      const row = await db.client().photo.create({
        data: { bytes: Uint8Array.from(photo.bytes), mimeType: photo.mimeType, ownerResidentId },
        select: { id: true },
      });
      return row.id;
    },
    async get(photoId) {
      const row = await db.client().photo.findUnique({ where: { id: photoId } });
      if (!row) return undefined;
      // The stored type was checked on the way in; sniffing again keeps a hand-edited row harmless.
      const mimeType = sniffImageType(row.bytes);
      return mimeType ? { id: row.id, bytes: row.bytes, mimeType } : undefined;
    },
  };
}
