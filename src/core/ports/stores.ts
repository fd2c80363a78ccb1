import type { Area, Resident } from "../model/resident.js";
import type { Locale } from "../model/locale.js";
import type { RoleGrant } from "../model/role.js";

/** Runs a function atomically; every store call inside it joins the same database transaction. */
export interface UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** Remembers which inbound events were handled. */
export interface EventLog {
  /** Records the id; returns false when it had been recorded before (a redelivery). */
  markProcessed(eventId: string): Promise<boolean>;
}

export interface ResidentPatch {
  readonly locale?: Locale;
  readonly homeAreaId?: number | null;
  readonly privacyAcceptedAt?: Date | null;
  readonly onboardedAt?: Date | null;
}

export interface ResidentStore {
  /**
   * Finds the resident behind a platform identity, creating both on first contact. `privateChatId`
   * is remembered so notifications can reach the resident later.
   */
  resolveIdentity(
    identityId: string,
    channel: string,
    displayName: string | undefined,
    privateChatId: string | undefined,
  ): Promise<Resident>;
  get(residentId: number): Promise<Resident | undefined>;
  update(residentId: number, patch: ResidentPatch): Promise<Resident>;
  identitiesOf(residentId: number): Promise<string[]>;
}

export interface AreaStore {
  list(): Promise<Area[]>;
  get(areaId: number): Promise<Area | undefined>;
  bySlug(slug: string): Promise<Area | undefined>;
}

export interface RoleStore {
  grantsOf(identityIds: readonly string[]): Promise<RoleGrant[]>;
}

/** Where a chat is inside a flow, plus the actions of the last choices offered there. */
export interface ConversationState {
  readonly flow: string | null;
  readonly step: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly choices: readonly string[];
}

export interface ConversationStore {
  /** Loads the state and holds it for the running unit of work, so two events of one chat queue. */
  lockAndLoad(key: string, residentId: number): Promise<ConversationState>;
  save(key: string, residentId: number, state: ConversationState): Promise<void>;
  /**
   * Makes `choices` the chat's last offered ones without touching its flow, for messages that
   * reach a chat outside a turn (outbox deliveries). Does nothing for a chat the bot never spoke in.
   */
  rememberChoices(key: string, choices: readonly string[]): Promise<void>;
}

export type LinkOutcome =
  | { readonly kind: "linked"; readonly residentId: number }
  | { readonly kind: "invalid" }
  | { readonly kind: "expired" }
  | { readonly kind: "same-resident" };

export interface LinkStore {
  /** Stores a fresh one-time code for the resident, replacing earlier ones. */
  issue(residentId: number, code: string, expiresAt: Date): Promise<void>;
  /** Consumes the code and moves every identity of `residentId` to the code's resident. */
  redeem(code: string, residentId: number, now: Date): Promise<LinkOutcome>;
}
