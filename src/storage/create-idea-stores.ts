import type { PrismaAccess } from "./prisma-access.js";
import { createAuditStore } from "./stores/audit-store.js";
import { createCouncilResultStore } from "./stores/council-result-store.js";
import { createIdeaStore } from "./stores/idea-store.js";
import { createModerationStore } from "./stores/moderation-store.js";
import { createPhotoStore } from "./stores/photo-store.js";

/** The stores of ideas, their photos, moderation, council results and the audit log, on one Prisma access. */
export function createIdeaStores(access: PrismaAccess) {
  return {
    ideas: createIdeaStore(access),
    moderation: createModerationStore(access),
    audit: createAuditStore(access),
    results: createCouncilResultStore(access),
    photos: createPhotoStore(access),
  };
}

export type IdeaStores = ReturnType<typeof createIdeaStores>;
