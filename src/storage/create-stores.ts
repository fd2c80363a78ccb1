import type { PrismaAccess } from "./prisma-access.js";
import { createAreaStore } from "./stores/area-store.js";
import { createConversationStore } from "./stores/conversation-store.js";
import { createEventLog } from "./stores/event-log.js";
import { createLinkStore } from "./stores/link-store.js";
import { createResidentStore } from "./stores/resident-store.js";
import { createRoleStore } from "./stores/role-store.js";

export interface FoundationStoreOptions {
  /** SURVEY_TOKEN_SECRET; linking messengers re-keys anonymous survey responses with it. */
  readonly surveyTokenSecret?: string;
}

/** The foundation's stores, all bound to one Prisma access (and so to one unit of work). */
export function createFoundationStores(access: PrismaAccess, options: FoundationStoreOptions = {}) {
  return {
    unitOfWork: access,
    events: createEventLog(access),
    residents: createResidentStore(access),
    areas: createAreaStore(access),
    roles: createRoleStore(access),
    conversations: createConversationStore(access),
    links: createLinkStore(access, options.surveyTokenSecret ? { surveyTokenSecret: options.surveyTokenSecret } : {}),
  };
}

export type FoundationStores = ReturnType<typeof createFoundationStores>;
