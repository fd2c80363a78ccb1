import { CONSENT_WITHDRAWN_ERROR, type ConsentStore } from "../../core/ports/consent.js";
import type { PrismaAccess } from "../prisma-access.js";
import { toResident } from "./resident-store.js";

/**
 * Consent given and withdrawn, each as a ConsentRecord written in the same unit of work as the
 * resident's state (joins the running one, or opens its own when called outside a turn).
 */
export function createConsentStore(access: PrismaAccess): ConsentStore {
  return {
    give: (residentId, noticeVersion, at) =>
      access.run(async () => {
        const db = access.client();
        const before = await db.resident.findUniqueOrThrow({ where: { id: residentId }, select: { onboardedAt: true } });
        const row = await db.resident.update({
          where: { id: residentId },
          data: {
            privacyAcceptedAt: at,
            privacyVersion: noticeVersion,
            privacyWithdrawnAt: null,
            onboardedAt: before.onboardedAt ?? at,
            consents: { create: { noticeVersion, decision: "given", createdAt: at } },
          },
        });
        return toResident(row);
      }),

    withdraw: (residentId, noticeVersion, at) =>
      access.run(async () => {
        const db = access.client();
        const row = await db.resident.update({
          where: { id: residentId },
          // privacyAcceptedAt stays: it says when the consent now withdrawn was given.
          data: { privacyVersion: null, privacyWithdrawnAt: at, consents: { create: { noticeVersion, decision: "withdrawn", createdAt: at } } },
        });
        const chats = (
          await db.identity.findMany({ where: { residentId, privateChatId: { not: null } }, select: { channel: true, privateChatId: true } })
        ).flatMap((i) => (i.privateChatId ? [{ channel: i.channel, chatId: i.privateChatId }] : []));
        const [ideaFollows, initiativeFollows, feedPreferences] = await Promise.all([
          db.follow.deleteMany({ where: { residentId } }),
          db.initiativeFollow.deleteMany({ where: { residentId } }),
          db.residentFeedPreference.deleteMany({ where: { residentId } }),
        ]);
        let subscriptions = 0;
        let cancelledDeliveries = 0;
        if (chats.length > 0) {
          const own = { OR: chats };
          subscriptions = (await db.subscription.updateMany({ where: { ...own, active: true }, data: { active: false } })).count;
          // Only rows no dispatcher holds: a message already being sent ("sending") cannot be called back.
          cancelledDeliveries = (
            await db.delivery.updateMany({
              where: { ...own, status: "pending" },
              data: { status: "failed", lastError: CONSENT_WITHDRAWN_ERROR, nextAttemptAt: at },
            })
          ).count;
        }
        return {
          resident: toResident(row),
          ideaFollows: ideaFollows.count,
          initiativeFollows: initiativeFollows.count,
          subscriptions,
          feedPreferences: feedPreferences.count,
          cancelledDeliveries,
        };
      }),
  };
}
