import type { Db } from "./prisma-access.js";

/**
 * Moves everything of resident `fromId` to `intoId` and deletes `fromId`, inside the caller's
 * transaction. Each feature that stores per-resident data adds its tables here, so linking two
 * messengers never loses a vote, an idea or a follow.
 */
export async function mergeResidents(db: Db, fromId: number, intoId: number): Promise<void> {
  const [from, into] = await Promise.all([
    db.resident.findUniqueOrThrow({ where: { id: fromId } }),
    db.resident.findUniqueOrThrow({ where: { id: intoId } }),
  ]);
  await db.resident.update({
    where: { id: intoId },
    data: {
      locale: into.locale ?? from.locale,
      homeAreaId: into.homeAreaId ?? from.homeAreaId,
      privacyAcceptedAt: into.privacyAcceptedAt ?? from.privacyAcceptedAt,
      onboardedAt: into.onboardedAt ?? from.onboardedAt,
    },
  });
  await db.identity.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });
  await db.conversation.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });
  // Follows and feed preferences: keep what the surviving resident already has, add the rest.
  await db.$executeRaw`
    INSERT INTO "Follow" ("residentId", "initiativeId", "createdAt")
    SELECT ${intoId}, "initiativeId", "createdAt" FROM "Follow" WHERE "residentId" = ${fromId}
    ON CONFLICT DO NOTHING`;
  await db.follow.deleteMany({ where: { residentId: fromId } });
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
