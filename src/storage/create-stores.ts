import type { PrismaAccess } from "./prisma-access.js";
import { createAreaStore } from "./stores/area-store.js";
import { createAuditStore } from "./stores/audit-store.js";
import { createConsentStore } from "./stores/consent-store.js";
import { createConversationStore } from "./stores/conversation-store.js";
import { createEventLog } from "./stores/event-log.js";
import { createLinkStore } from "./stores/link-store.js";
import { createResidentStore } from "./stores/resident-store.js";
import { createRoleStore } from "./stores/role-store.js";
import { createTurnStore } from "./stores/turn-store.js";

export interface FoundationStoreOptions {
  /** SURVEY_TOKEN_SECRET; linking messengers re-keys anonymous survey responses with it. */
  readonly surveyTokenSecret?: string;
  /** How long the area list is reused (default 30 s; 0 reads it on every call). */
  readonly areaCacheMs?: number;
}

/** Areas change only via the admin CLI; 30 s bounds how long the bot shows an outdated list. */
export const DEFAULT_AREA_CACHE_MS = 30_000;

/** The foundation's stores, all bound to one Prisma access (and so to one unit of work). */
export function createFoundationStores(access: PrismaAccess, options: FoundationStoreOptions = {}) {
  const residents = createResidentStore(access);
  const conversations = createConversationStore(access);
  return {
    unitOfWork: access,
    events: createEventLog(access),
    residents,
    areas: createAreaStore(access, { cacheMs: options.areaCacheMs ?? DEFAULT_AREA_CACHE_MS }),
    roles: createRoleStore(access),
    conversations,
    turns: createTurnStore({ access, residents, conversations }),
    audit: createAuditStore(access),
    consents: createConsentStore(access),
    links: createLinkStore(access, options.surveyTokenSecret ? { surveyTokenSecret: options.surveyTokenSecret } : {}),
  };
}

export type FoundationStores = ReturnType<typeof createFoundationStores>;
