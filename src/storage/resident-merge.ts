import type { Db } from "./prisma-access.js";
import { mergeSurveyData } from "./stores/survey-merge.js";

/** Settings some per-feature merges need. */
export interface MergeOptions {
  /** SURVEY_TOKEN_SECRET, to re-key anonymous survey responses (see survey-voter-token.ts). */
  readonly surveyTokenSecret?: string;
}

/**
 * Moves everything of resident `fromId` to `intoId` and deletes `fromId`, inside the caller's
 * transaction. Each feature that stores per-resident data adds its tables here, so linking two
 * messengers never loses a vote, an idea or a follow.
 */
export async function mergeResidents(db: Db, fromId: number, intoId: number, options: MergeOptions = {}): Promise<void> {
  const [from, into] = await Promise.all([
    db.resident.findUniqueOrThrow({ where: { id: fromId } }),
    db.resident.findUniqueOrThrow({ where: { id: intoId } }),
  ]);
  // Consent is taken as one whole (time, notice version, withdrawal) from the resident who gave it.
  const consent = into.privacyAcceptedAt ? into : from;
  await db.resident.update({
    where: { id: intoId },
    data: {
      locale: into.locale ?? from.locale,
      homeAreaId: into.homeAreaId ?? from.homeAreaId,
      privacyAcceptedAt: consent.privacyAcceptedAt,
      privacyVersion: consent.privacyVersion,
      privacyWithdrawnAt: consent.privacyWithdrawnAt,
      onboardedAt: into.onboardedAt ?? from.onboardedAt,
    },
  });
  // The consent history stays whole: it is part of the person's data export.
  await db.consentRecord.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });
  await db.identity.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });
  await db.conversation.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });
  await mergeSurveyData(db, fromId, intoId, options.surveyTokenSecret);
  await mergeIdeaParticipation(db, fromId, intoId);
  // Initiative follows, feed preferences and digest runs: keep what the surviving resident already has, add the rest.
  await db.$executeRaw`
    INSERT INTO "InitiativeFollow" ("residentId", "initiativeId", "createdAt")
    SELECT ${intoId}, "initiativeId", "createdAt" FROM "InitiativeFollow" WHERE "residentId" = ${fromId}
    ON CONFLICT DO NOTHING`;
  await db.initiativeFollow.deleteMany({ where: { residentId: fromId } });
  await db.$executeRaw`
    INSERT INTO "ResidentFeedPreference" ("residentId", feed, mode, "updatedAt")
    SELECT ${intoId}, feed, mode, "updatedAt" FROM "ResidentFeedPreference" WHERE "residentId" = ${fromId}
    ON CONFLICT DO NOTHING`;
  await db.residentFeedPreference.deleteMany({ where: { residentId: fromId } });
  await db.$executeRaw`
    INSERT INTO "DigestRun" ("residentId", day, "broadcastId", "createdAt")
    SELECT ${intoId}, day, "broadcastId", "createdAt" FROM "DigestRun" WHERE "residentId" = ${fromId}
    ON CONFLICT DO NOTHING`;
  await db.digestRun.deleteMany({ where: { residentId: fromId } });
  await db.resident.delete({ where: { id: fromId } });
}

/**
 * Ideas: authorship and reports move over; supports and follows are copied with ON CONFLICT DO
 * NOTHING (both residents may have supported the same idea) and the rest goes with the resident.
 */
async function mergeIdeaParticipation(db: Db, fromId: number, intoId: number): Promise<void> {
  await db.idea.updateMany({ where: { authorId: fromId }, data: { authorId: intoId } });
  await db.report.updateMany({ where: { reporterId: fromId }, data: { reporterId: intoId } });
  await db.newsItem.updateMany({ where: { authorResidentId: fromId }, data: { authorResidentId: intoId } });
  const [supports, follows] = await Promise.all([
    db.support.findMany({ where: { residentId: fromId }, select: { ideaId: true, createdAt: true } }),
    db.follow.findMany({ where: { residentId: fromId }, select: { ideaId: true, createdAt: true, viaSupport: true } }),
  ]);
  if (supports.length > 0) {
    await db.support.createMany({ data: supports.map((s) => ({ ...s, residentId: intoId })), skipDuplicates: true });
  }
  if (follows.length > 0) {
    await db.follow.createMany({ data: follows.map((f) => ({ ...f, residentId: intoId })), skipDuplicates: true });
  }
  await db.support.deleteMany({ where: { residentId: fromId } });
  await db.follow.deleteMany({ where: { residentId: fromId } });
}

/**
 * Undoes a link for one identity, inside the caller's transaction: it moves to a new resident of
 * its own, which keeps what describes the person (language, home area, consent and onboarding, and
 * a block, so unlinking never lifts one) and how they like their feeds. Contributions (ideas,
 * supports, reports, survey answers, news, follows) stay with the resident they were made as,
 * which the other identities keep: they were one person's when they were made, and splitting them
 * afterwards would guess. Returns the new resident's id, or undefined when the identity is its
 * resident's only one (nothing to undo).
 */
export async function splitIdentity(db: Db, identityId: string): Promise<number | undefined> {
  const identity = await db.identity.findUnique({ where: { id: identityId } });
  if (!identity) return undefined;
  const others = await db.identity.count({ where: { residentId: identity.residentId, id: { not: identityId } } });
  if (others === 0) return undefined;
  const from = await db.resident.findUniqueOrThrow({ where: { id: identity.residentId } });
  const created = await db.resident.create({
    data: {
      locale: from.locale,
      homeAreaId: from.homeAreaId,
      privacyAcceptedAt: from.privacyAcceptedAt,
      privacyVersion: from.privacyVersion,
      privacyWithdrawnAt: from.privacyWithdrawnAt,
      onboardedAt: from.onboardedAt,
      blockedAt: from.blockedAt,
      blockedReason: from.blockedReason,
    },
  });
  await db.identity.update({ where: { id: identityId }, data: { residentId: created.id } });
  // The consent history was given by the same person: both residents keep a copy.
  await db.$executeRaw`
    INSERT INTO "ConsentRecord" ("residentId", "noticeVersion", decision, "createdAt")
    SELECT ${created.id}, "noticeVersion", decision, "createdAt" FROM "ConsentRecord" WHERE "residentId" = ${from.id}`;
  if (identity.privateChatId) {
    // The identity's own chat now belongs to the new resident (the conversation key is channel:chat).
    await db.conversation.updateMany({
      where: { key: `${identity.channel}:${identity.privateChatId}` },
      data: { residentId: created.id },
    });
  }
  await db.$executeRaw`
    INSERT INTO "ResidentFeedPreference" ("residentId", feed, mode, "updatedAt")
    SELECT ${created.id}, feed, mode, "updatedAt" FROM "ResidentFeedPreference" WHERE "residentId" = ${from.id}
    ON CONFLICT DO NOTHING`;
  return created.id;
}
