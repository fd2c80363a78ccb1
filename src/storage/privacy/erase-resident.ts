import { randomBytes } from "node:crypto";
import type { ContributionsOnErasure } from "../../core/ports/erasure.js";
import type { PrismaAccess, Db } from "../prisma-access.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { appendAuditEntry } from "../stores/audit-chain.js";
import { ERASED_IDENTITY, ERASED_NAME, ERASURE_ACTION, ERASURE_TARGET } from "./erasure-marks.js";

/**
 * What happens to the ideas and news items an erased resident published: kept without the author
 * ("anonymise", the default: the municipality's record of the participation stays, the person
 * goes) or removed with their photos ("delete").
 */
export type ErasureContributions = ContributionsOnErasure;

export const ERASURE_CONTRIBUTIONS = ["anonymise", "delete"] as const satisfies readonly ErasureContributions[];

export { ERASED_IDENTITY, ERASED_NAME, ERASURE_ACTION, ERASURE_TARGET };

/**
 * @example
 * await eraseResident(access, 7, { contributions: "anonymise", actor: "resident", reason: "own request" });
 */
export interface EraseOptions {
  readonly contributions: ErasureContributions;
  /**
   * Who erased, as the audit log shows it: never the person themselves ("resident" for their own
   * request, "cli:<admin>" for the admin command line, "retention" for the inactivity rule).
   */
  readonly actor: string;
  /** Why, e.g. "own request", "inactive for 24 months"; must not name the person. */
  readonly reason: string;
  /**
   * The inbound event of the turn that erases (its own request in the chat): that row is kept,
   * unlinked and without replies, so a redelivery of the same event changes nothing and cannot
   * bring the resident back. Every other processed event of theirs is removed.
   */
  readonly keepEventId?: string;
}

/**
 * How many rows erasure removed (or, for `anonymised`, changed so they no longer point to the
 * person), per kind. Every key is always present.
 *
 * @example
 * const { reference, removed } = await eraseResident(access, 7, options);
 * removed.identities; // 2
 */
export interface ErasureResult {
  /**
   * Random, non-identifying reference of this erasure as recorded in the audit log (targetId),
   * e.g. "E-3f9a0c1b2d4e", to quote in the answer to the person; it is not the resident's id.
   */
  readonly reference: string;
  readonly removed: Readonly<Record<RemovedKind, number>>;
  readonly anonymised: Readonly<Record<AnonymisedKind, number>>;
}

export type RemovedKind =
  | "resident"
  | "identities"
  | "conversations"
  | "processedEvents"
  | "telegramInbox"
  | "quarantine"
  | "consents"
  | "feedPreferences"
  | "digestRuns"
  | "follows"
  | "initiativeFollows"
  | "supports"
  | "reports"
  | "ideas"
  | "news"
  | "photos"
  | "linkCodes"
  | "linkAttempts"
  | "linkClaims"
  | "deliveries"
  | "subscriptions"
  | "surveyDrafts"
  | "surveyResponses"
  | "roles";

export type AnonymisedKind = "ideas" | "news" | "photos" | "reports" | "auditEntries" | "statusChanges" | "councilResults" | "subscriptionsCreated" | "rolesGranted" | "conversations";

/** The resident does not exist (already erased, or a wrong id). */
export class ResidentNotFoundError extends Error {
  constructor(readonly residentId: number) {
    super(`resident ${residentId} does not exist`);
    this.name = "ResidentNotFoundError";
  }
}

/** Either the app's unit of work (the erasure joins a running transaction) or a bare client. */
export type ErasureDatabase = PrismaAccess | PrismaClient;

function isAccess(target: ErasureDatabase): target is PrismaAccess {
  return typeof (target as Partial<PrismaAccess>).client === "function" && typeof (target as Partial<PrismaAccess>).run === "function";
}

/**
 * Erases a resident and everything that points to them, in one transaction: inside the running
 * unit of work when `database` is the app's PrismaAccess and one runs, else a new one. What stays
 * is listed in docs/privacy.md ("What stays after an erasure"); the test
 * test/storage/privacy/erase-resident.test.ts reads the database catalogue and fails on any other
 * trace. The act itself is recorded in the audit log under a random reference, without the person.
 * A later message from the same messenger account starts from nothing (a new resident).
 *
 * @throws ResidentNotFoundError when there is no such resident.
 */
export async function eraseResident(database: ErasureDatabase, residentId: number, options: EraseOptions): Promise<ErasureResult> {
  if (isAccess(database)) return database.run(() => eraseWithin(database.client(), residentId, options));
  return database.$transaction((tx) => eraseWithin(tx, residentId, options), { maxWait: 15_000, timeout: 60_000 });
}

class PreviewRollback extends Error {
  constructor(readonly result: ErasureResult) {
    super("erasure preview rolled back");
  }
}

/**
 * What `eraseResident` would remove, counted by running it in a transaction that is then rolled
 * back, so the preview can never disagree with the real run. Uses its own transaction: do not call
 * it inside a unit of work. Nothing is recorded in the audit log.
 */
export async function previewErasure(prisma: PrismaClient, residentId: number, contributions: ErasureContributions): Promise<ErasureResult> {
  try {
    await prisma.$transaction(
      async (tx) => {
        throw new PreviewRollback(await eraseWithin(tx, residentId, { contributions, actor: "preview", reason: "preview" }));
      },
      { maxWait: 15_000, timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof PreviewRollback) return error.result;
    throw error;
  }
  throw new Error("unreachable: the preview transaction always rolls back");
}

/** A fresh reference: 48 random bits, unrelated to any id. */
function newReference(): string {
  return `E-${randomBytes(6).toString("hex")}`;
}

/** A JSON number or string id in a stringified payload, as a whole token (not part of a longer one). */
function tokenPattern(value: string, quoted: boolean): RegExp {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return quoted ? new RegExp(`"${escaped}"`) : new RegExp(`"id":${escaped}(?![0-9])`);
}

async function eraseWithin(db: Db, residentId: number, options: EraseOptions): Promise<ErasureResult> {
  const resident = await db.resident.findUnique({ where: { id: residentId }, include: { identities: true } });
  if (!resident) throw new ResidentNotFoundError(residentId);
  const identities = resident.identities;
  const ids = identities.map((i) => i.id);
  const chats = identities.filter((i) => i.privateChatId !== null).map((i) => ({ channel: i.channel, chatId: i.privateChatId! }));
  const chatKeys = chats.map((c) => `${c.channel}:${c.chatId}`);
  const reference = newReference();
  const removed = {} as Record<RemovedKind, number>;
  const anonymised = {} as Record<AnonymisedKind, number>;
  const count = async (result: Promise<{ count: number }> | Promise<number>): Promise<number> => {
    const value = await result;
    return typeof value === "number" ? value : value.count;
  };

  // Their conversations: every private chat of theirs; a group's state stays, without them.
  // (The terminal's key equals its identity id; a messenger's is channel:chat.)
  removed.conversations = await count(db.conversation.deleteMany({ where: { key: { in: [...new Set([...chatKeys, ...ids])] } } }));
  anonymised.conversations = await count(db.conversation.updateMany({ where: { residentId }, data: { residentId: null } }));

  // The events of their turns and the replies kept with them; the erasing event stays, unlinked.
  const keep = options.keepEventId;
  removed.processedEvents = await count(
    db.processedEvent.deleteMany({ where: { identityId: { in: ids }, ...(keep ? { id: { not: keep } } : {}) } }),
  );
  if (keep) await db.processedEvent.updateMany({ where: { id: keep }, data: { identityId: null, reply: Prisma.DbNull } });

  // Telegram updates from them not handled yet, and events of theirs set aside.
  removed.telegramInbox = 0;
  const telegramUsers = identities.filter((i) => i.channel === "telegram").map((i) => i.id.slice("telegram:".length)).filter((u) => /^\d+$/.test(u));
  for (const user of telegramUsers) {
    removed.telegramInbox += await db.$executeRaw`DELETE FROM "TelegramInboxUpdate"
      WHERE jsonb_path_exists("payload", '$.*.from.id ? (@ == $user)', jsonb_build_object('user', ${user}::bigint))`;
  }
  removed.quarantine = await eraseQuarantined(db, identities);

  // What only they had: consent history, preferences, follows, supports, codes, drafts.
  removed.consents = await count(db.consentRecord.deleteMany({ where: { residentId } }));
  removed.feedPreferences = await count(db.residentFeedPreference.deleteMany({ where: { residentId } }));
  removed.digestRuns = await count(db.digestRun.deleteMany({ where: { residentId } }));
  removed.follows = await count(db.follow.deleteMany({ where: { residentId } }));
  removed.initiativeFollows = await count(db.initiativeFollow.deleteMany({ where: { residentId } }));
  // Support counts are counted from these rows, so the ideas' counts drop with them.
  removed.supports = await count(db.support.deleteMany({ where: { residentId } }));
  const codes = (await db.linkCode.findMany({ where: { residentId }, select: { code: true } })).map((c) => c.code);
  removed.linkClaims = await count(db.linkClaim.deleteMany({ where: { OR: [{ identityId: { in: ids } }, { code: { in: codes } }] } }));
  removed.linkCodes = await count(db.linkCode.deleteMany({ where: { residentId } }));
  removed.linkAttempts = await count(db.linkAttempt.deleteMany({ where: { identityId: { in: ids } } }));
  removed.surveyDrafts = await count(db.surveyDraft.deleteMany({ where: { residentId } }));
  // Named survey answers go with their response; anonymous ones never pointed to anyone and stay.
  removed.surveyResponses = await count(db.surveyResponse.deleteMany({ where: { residentId } }));

  // Messages waiting for (or sent to) their private chats, and feeds those chats subscribed.
  const chatFilter = chats.map((c) => ({ channel: c.channel, chatId: c.chatId }));
  removed.deliveries = chatFilter.length > 0 ? await count(db.delivery.deleteMany({ where: { OR: chatFilter } })) : 0;
  removed.subscriptions = chatFilter.length > 0 ? await count(db.subscription.deleteMany({ where: { OR: chatFilter } })) : 0;
  // Group subscriptions they set up belong to the group: kept, without them.
  anonymised.subscriptionsCreated = await count(db.subscription.updateMany({ where: { createdBy: { in: ids } }, data: { createdBy: ERASED_IDENTITY } }));

  // Roles of their accounts go; roles they granted others stay, without them.
  removed.roles = await count(db.roleAssignment.deleteMany({ where: { identity: { in: ids } } }));
  anonymised.rolesGranted = await count(db.roleAssignment.updateMany({ where: { grantedBy: { in: ids } }, data: { grantedBy: ERASED_IDENTITY } }));

  await eraseContributions(db, residentId, ids, options.contributions, removed, anonymised);

  // Draft photos (sent, never attached to a submitted idea or news item).
  removed.photos += await count(db.photo.deleteMany({ where: { ownerResidentId: residentId, ideas: { none: {} }, news: { none: {} } } }));
  anonymised.photos = await count(db.photo.updateMany({ where: { ownerResidentId: residentId }, data: { ownerResidentId: null } }));

  // The acts they took part in stay; the person does not.
  anonymised.auditEntries = await eraseFromAuditLog(db, residentId, ids, chatKeys, reference);
  anonymised.statusChanges = await count(
    db.ideaStatusChange.updateMany({ where: { actorIdentity: { in: ids } }, data: { actorIdentity: ERASED_IDENTITY, actorName: ERASED_NAME } }),
  );
  anonymised.councilResults =
    (await count(db.councilResult.updateMany({ where: { authorIdentity: { in: ids } }, data: { authorIdentity: ERASED_IDENTITY, authorName: ERASED_NAME } }))) +
    (await count(db.councilResult.updateMany({ where: { reviewerIdentity: { in: ids } }, data: { reviewerIdentity: ERASED_IDENTITY } })));

  removed.identities = await count(db.identity.deleteMany({ where: { residentId } }));
  removed.resident = await count(db.resident.deleteMany({ where: { id: residentId } }));

  await appendAuditEntry(db, {
    actorIdentity: options.actor,
    actorName: options.actor,
    action: ERASURE_ACTION,
    targetType: ERASURE_TARGET,
    targetId: reference,
    reason: `${options.reason} (contributions: ${options.contributions})`,
  });
  return { reference, removed, anonymised };
}

/** Ideas, news items and reports: kept without the author, or removed with their photos. */
async function eraseContributions(
  db: Db,
  residentId: number,
  ids: readonly string[],
  mode: ErasureContributions,
  removed: Record<RemovedKind, number>,
  anonymised: Record<AnonymisedKind, number>,
): Promise<void> {
  const newsWhere = { OR: [{ authorResidentId: residentId }, { authorId: { in: [...ids] } }] };
  removed.photos = 0;
  if (mode === "anonymise") {
    anonymised.ideas = (await db.idea.updateMany({ where: { authorId: residentId }, data: { authorId: null } })).count;
    anonymised.news = (await db.newsItem.updateMany({ where: newsWhere, data: { authorResidentId: null, authorId: ERASED_IDENTITY } })).count;
    anonymised.reports = (await db.report.updateMany({ where: { reporterId: residentId }, data: { reporterId: null } })).count;
    removed.ideas = 0;
    removed.news = 0;
    removed.reports = 0;
    return;
  }
  const ideas = await db.idea.findMany({ where: { authorId: residentId }, select: { id: true, photoId: true } });
  const news = await db.newsItem.findMany({ where: newsWhere, select: { id: true, photoId: true } });
  const photoIds = [...ideas, ...news].map((r) => r.photoId).filter((id): id is number => id !== null);
  // Their own reports, and reports about what is removed now (nothing left to moderate).
  removed.reports = (
    await db.report.deleteMany({
      where: {
        OR: [
          { reporterId: residentId },
          { targetType: "idea", targetId: { in: ideas.map((i) => i.id) } },
          { targetType: "news", targetId: { in: news.map((n) => n.id) } },
        ],
      },
    })
  ).count;
  // Status changes, supports, follows and council links go with the idea (cascade).
  removed.ideas = (await db.idea.deleteMany({ where: { id: { in: ideas.map((i) => i.id) } } })).count;
  removed.news = (await db.newsItem.deleteMany({ where: { id: { in: news.map((n) => n.id) } } })).count;
  removed.photos += (await db.photo.deleteMany({ where: { id: { in: photoIds }, ideas: { none: {} }, news: { none: {} } } })).count;
  anonymised.ideas = 0;
  anonymised.news = 0;
  anonymised.reports = 0;
}

/** Quarantined events sent by them or in their private chats (matched in the stored JSON text). */
async function eraseQuarantined(db: Db, identities: readonly { id: string; channel: string; privateChatId: string | null }[]): Promise<number> {
  const patterns: { channel: string; pattern: RegExp }[] = [];
  for (const identity of identities) {
    if (identity.channel === "telegram") {
      const user = identity.id.slice("telegram:".length);
      if (/^\d+$/.test(user)) patterns.push({ channel: "telegram", pattern: new RegExp(`"from":\\{"id":${user}(?![0-9])`) });
    } else if (identity.channel === "matrix") {
      patterns.push({ channel: "matrix", pattern: tokenPattern(identity.id.slice("matrix:".length), true) });
      if (identity.privateChatId) patterns.push({ channel: "matrix", pattern: tokenPattern(identity.privateChatId, true) });
    }
  }
  if (patterns.length === 0) return 0;
  const channels = [...new Set(patterns.map((p) => p.channel))];
  const rows = await db.quarantinedEvent.findMany({ where: { channel: { in: channels } }, select: { id: true, channel: true, payload: true } });
  const hits = rows.filter((row) => patterns.some((p) => p.channel === row.channel && p.pattern.test(row.payload))).map((r) => r.id);
  if (hits.length === 0) return 0;
  return (await db.quarantinedEvent.deleteMany({ where: { id: { in: hits } } })).count;
}

/**
 * Audit entries keep the act and lose the person: their identity and name as actor, their id as
 * target (replaced by the erasure's reference, so an admin still sees that the same erased
 * resident was, say, blocked before), their chats and identities as targets, and their identity
 * ids in reasons (a link lists the identities it joined). Each changed entry loses its
 * personalSalt: the hash chain then trusts its stored digest (see audit-chain.ts), and nobody can
 * test a guessed identity against that digest any more.
 */
async function eraseFromAuditLog(db: Db, residentId: number, ids: readonly string[], chatKeys: readonly string[], reference: string): Promise<number> {
  let changed = 0;
  const erased = { personalSalt: null };
  changed += (
    await db.auditLog.updateMany({ where: { actorIdentity: { in: [...ids] } }, data: { actorIdentity: ERASED_IDENTITY, actorName: ERASED_NAME, ...erased } })
  ).count;
  changed += (await db.auditLog.updateMany({ where: { targetType: "resident", targetId: String(residentId) }, data: { targetId: reference, ...erased } })).count;
  if (ids.length > 0) {
    changed += (await db.auditLog.updateMany({ where: { targetType: "identity", targetId: { in: [...ids] } }, data: { targetId: reference, ...erased } })).count;
  }
  if (chatKeys.length > 0) {
    changed += (await db.auditLog.updateMany({ where: { targetType: "chat", targetId: { in: [...chatKeys] } }, data: { targetId: ERASED_IDENTITY, ...erased } })).count;
  }
  for (const id of ids) {
    changed += await db.$executeRaw`UPDATE "AuditLog" SET "reason" = replace("reason", ${id}, ${ERASED_IDENTITY}), "personalSalt" = NULL WHERE strpos("reason", ${id}) > 0`;
  }
  return changed;
}
