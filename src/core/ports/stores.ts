import type { Area, Resident } from "../model/resident.js";
import type { Locale } from "../model/locale.js";
import type { RoleGrant } from "../model/role.js";
import type { KeptReply } from "../model/kept-reply.js";
import type { Choice } from "../model/outbound-message.js";

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
  /** The chosen language of the resident behind an identity; undefined when unknown or not chosen. */
  localeOfIdentity(identityId: string): Promise<Locale | undefined>;
}

export interface AreaStore {
  list(): Promise<Area[]>;
  get(areaId: number): Promise<Area | undefined>;
  bySlug(slug: string): Promise<Area | undefined>;
}

export interface RoleStore {
  grantsOf(identityIds: readonly string[]): Promise<RoleGrant[]>;
}

/**
 * Where a chat is inside a flow, plus the actions of the last choices offered there.
 *
 * @example
 * const state: ConversationState = { flow: null, step: null, data: {}, choices: ["mod:ok:12", "mod:no:12"],
 *   recent: [[{ label: "Approve #11", action: "mod:ok:11" }], [{ label: "Approve #12", action: "mod:ok:12" }]] };
 */
export interface ConversationState {
  readonly flow: string | null;
  readonly step: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly choices: readonly string[];
  /**
   * When more than one message with choices is still on screen (several moderation cards
   * delivered to a room, or one turn's replies), each one's choices, oldest first; `choices` are
   * then the last one's. A number that means different things in two of them is asked back.
   */
  readonly recent?: readonly (readonly Choice[])[];
}

export interface ConversationStore {
  /** Loads the state and holds it for the running unit of work, so two events of one chat queue. */
  lockAndLoad(key: string, residentId: number): Promise<ConversationState>;
  /**
   * Makes `choices` the chat's last offered ones without touching its flow, for messages that
   * reach a chat outside a turn (outbox deliveries). Earlier deliveries' choices since the chat's
   * last turn stay answerable as `recent` (a few of them), so a number two cards share is asked
   * back instead of acting on the latest. Does nothing for a chat the bot never spoke in.
   */
  rememberChoices(key: string, choices: readonly Choice[]): Promise<void>;
}

/** What a turn needs to know about its inbound event before the core routes it. */
export interface TurnStartRequest {
  readonly eventId: string;
  /** The sender's platform identity. */
  readonly identityId: string;
  readonly channel: string;
  readonly displayName: string | undefined;
  /** The sender's own private chat as the channel vouches for it, remembered so notifications can reach them. */
  readonly privateChatId: string | undefined;
  /** The conversation key (`channel:chat`). */
  readonly key: string;
  /** Return the kept reply when the event turns out to be a duplicate (see InboundEvent.redelivered). */
  readonly wantsKeptReply: boolean;
  /** When the core handles it: a fresh event marks its sender as seen (long silences end in a question, then erasure). */
  readonly seenAt: Date;
}

/**
 * A started turn, or a redelivered event that must change nothing.
 *
 * @example
 * const start = await turns.start(request);
 * if (start.duplicate) return;
 * start.resident.id; start.state.flow;
 */
export type TurnStart =
  | { readonly duplicate: true; readonly keptReply?: KeptReply }
  | {
      readonly duplicate: false;
      readonly resident: Resident;
      /** The conversation's state, held (locked) for the running unit of work. */
      readonly state: ConversationState;
      /** The resident the stored conversation row names; null when the row was just created. */
      readonly conversationResidentId: number | null;
    };

/**
 * What a turn leaves behind: the conversation's next state when it changed, and the replies to
 * keep with the event id. At least one of them is set.
 *
 * @example
 * await turns.finish({ eventId, conversation: { key, residentId, state: next }, reply: keepReply(locale, messages) });
 */
export interface TurnFinish {
  readonly eventId: string;
  readonly conversation?: { readonly key: string; readonly residentId: number; readonly state: ConversationState };
  readonly reply?: KeptReply;
}

/**
 * The two ends of a turn inside the running unit of work. `start` marks the event processed (a
 * redelivery yields `duplicate`), resolves the sender's resident (creating it on first contact) and
 * locks and loads the conversation; `finish` saves the next state and keeps the replies. One port,
 * so storage can do each end in a single round trip on the path every event takes.
 */
export interface TurnStore {
  start(request: TurnStartRequest): Promise<TurnStart>;
  finish(finish: TurnFinish): Promise<void>;
}

/**
 * A platform account as a person recognises it: the messenger and the name shown there.
 *
 * @example
 * const account: IdentitySummary = { id: "telegram:4711", channel: "telegram", displayName: "Anna Müller" };
 */
export interface IdentitySummary {
  readonly id: string;
  readonly channel: string;
  readonly displayName: string | null;
}

/**
 * A link code as stored: whose it is, until when, and which identity entered it and must still
 * confirm (null while nobody did).
 *
 * @example
 * const code: StoredLinkCode = { residentId: 7, expiresAt: new Date("2026-12-01T10:15:00Z"), claimedBy: null };
 */
export interface StoredLinkCode {
  readonly residentId: number;
  readonly expiresAt: Date;
  readonly claimedBy: string | null;
}

/**
 * Linking two messengers: one-time codes, the wrong guesses of each identity, the binding of a
 * valid code to the identity that must confirm it, and the link and unlink themselves.
 */
export interface LinkStore {
  /** Stores a fresh one-time code for the resident, replacing earlier ones (and their claims). */
  issue(residentId: number, code: string, expiresAt: Date): Promise<void>;
  find(code: string): Promise<StoredLinkCode | undefined>;
  /** Binds the code to `identityId` unless another identity holds it; true when it is (now) bound to it. */
  claim(code: string, identityId: string, at: Date): Promise<boolean>;
  /** Frees the code again if `identityId` holds it. */
  release(code: string, identityId: string): Promise<void>;
  /** When `identityId` typed a wrong code after `since` (an attempt exactly that old has expired), oldest first. */
  failuresSince(identityId: string, since: Date): Promise<Date[]>;
  /** Counts a wrong code; attempts older than `forgetBefore` are dropped on the way. */
  recordFailure(identityId: string, at: Date, forgetBefore: Date): Promise<void>;
  /**
   * Spends a code bound to `identityId` and moves every identity of `residentId` to the code's
   * resident. Undefined when the code is no longer bound to it (expired and removed, re-issued).
   */
  confirm(code: string, identityId: string, residentId: number): Promise<number | undefined>;
  /**
   * Takes `identityId` out of its resident into a new one of its own, which keeps language, home
   * area, consent and a block; contributions stay. Undefined when it is its resident's only identity.
   */
  unlink(identityId: string): Promise<number | undefined>;
  identities(residentId: number): Promise<IdentitySummary[]>;
}
