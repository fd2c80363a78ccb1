import type { ModerationChat, Report } from "../../core/features/ideas/idea-model.js";
import type { ModerationStore } from "../../core/features/ideas/idea-ports.js";
import { isRole } from "../../core/model/role.js";
import type { PrismaAccess } from "../prisma-access.js";

export const MODERATION_CHAT_KEY = "moderation-chat";
const CHANNELS = new Set(["telegram", "matrix", "console"]);

function toModerationChat(value: unknown): ModerationChat | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { channel, chatId } = value as Record<string, unknown>;
  if (typeof channel !== "string" || !CHANNELS.has(channel) || typeof chatId !== "string") return undefined;
  return { channel: channel as ModerationChat["channel"], chatId };
}

/** A stored report; one of an unknown target type (a later version's) is left out. */
function toReport(row: { id: number; targetType: string; targetId: number; reporterId: number | null; reason: string | null; createdAt: Date; resolvedAt: Date | null }): Report[] {
  if (row.targetType !== "idea" && row.targetType !== "news") return [];
  return [{ ...row, targetType: row.targetType }];
}

export function createModerationStore(db: PrismaAccess): ModerationStore {
  return {
    async moderationChat() {
      const row = await db.client().keyValue.findUnique({ where: { key: MODERATION_CHAT_KEY } });
      return row ? toModerationChat(row.value) : undefined;
    },
    async setModerationChat(chat) {
      const value = { channel: chat.channel, chatId: chat.chatId };
      await db.client().keyValue.upsert({ where: { key: MODERATION_CHAT_KEY }, create: { key: MODERATION_CHAT_KEY, value }, update: { value } });
    },
    async blockResident(residentId, reason, at) {
      const { count } = await db.client().resident.updateMany({ where: { id: residentId }, data: { blockedAt: at, blockedReason: reason } });
      return count === 1;
    },
    async unblockResident(residentId) {
      const { count } = await db.client().resident.updateMany({
        where: { id: residentId, blockedAt: { not: null } },
        data: { blockedAt: null, blockedReason: null },
      });
      return count === 1;
    },
    async openReports(limit) {
      const rows = await db.client().report.findMany({ where: { resolvedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit });
      return rows.flatMap(toReport);
    },
    async getReport(reportId) {
      const row = await db.client().report.findUnique({ where: { id: reportId } });
      return row ? toReport(row)[0] : undefined;
    },
    async resolveReport(reportId, at) {
      const { count } = await db.client().report.updateMany({ where: { id: reportId, resolvedAt: null }, data: { resolvedAt: at } });
      return count === 1;
    },
    async resolveReportsOn(targetType, targetId, at) {
      const { count } = await db.client().report.updateMany({ where: { targetType, targetId, resolvedAt: null }, data: { resolvedAt: at } });
      return count;
    },
    async staff(roles) {
      const grants = await db.client().roleAssignment.findMany({ where: { role: { in: [...roles] } } });
      if (grants.length === 0) return [];
      const identities = await db.client().identity.findMany({
        where: { id: { in: [...new Set(grants.map((g) => g.identity))] } },
        select: { id: true, residentId: true },
      });
      const residentOf = new Map(identities.map((i) => [i.id, i.residentId]));
      return grants.flatMap((g) => {
        const residentId = residentOf.get(g.identity);
        return residentId !== undefined && isRole(g.role) ? [{ residentId, grant: { role: g.role, scope: g.scope } }] : [];
      });
    },
  };
}
