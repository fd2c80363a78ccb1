import type { LinkStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";
import { mergeResidents, splitIdentity, type MergeOptions } from "../resident-merge.js";

/**
 * Link codes, claims and wrong attempts. Every call runs in the caller's unit of work, so a claim
 * and the answer that shows it commit together, and a counted wrong code survives a restart.
 */
export function createLinkStore(db: PrismaAccess, mergeOptions: MergeOptions = {}): LinkStore {
  return {
    async issue(residentId, code, expiresAt) {
      const client = db.client();
      const old = await client.linkCode.findMany({ where: { residentId }, select: { code: true } });
      if (old.length > 0) await client.linkClaim.deleteMany({ where: { code: { in: old.map((c) => c.code) } } });
      await client.linkCode.deleteMany({ where: { residentId } });
      await client.linkCode.create({ data: { code, residentId, expiresAt } });
    },
    async find(code) {
      const client = db.client();
      const link = await client.linkCode.findUnique({ where: { code } });
      if (!link) return undefined;
      const claim = await client.linkClaim.findUnique({ where: { code } });
      return { residentId: link.residentId, expiresAt: link.expiresAt, claimedBy: claim?.identityId ?? null };
    },
    async claim(code, identityId, at) {
      const client = db.client();
      // Inserted unless someone holds it already: of two identities entering one code, one wins.
      await client.$executeRaw`INSERT INTO "LinkClaim" ("code", "identityId", "createdAt") VALUES (${code}, ${identityId}, ${at})
        ON CONFLICT ("code") DO NOTHING`;
      const claim = await client.linkClaim.findUnique({ where: { code } });
      return claim?.identityId === identityId;
    },
    async release(code, identityId) {
      await db.client().linkClaim.deleteMany({ where: { code, identityId } });
    },
    async failuresSince(identityId, since) {
      const rows = await db.client().linkAttempt.findMany({
        where: { identityId, createdAt: { gt: since } },
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
      });
      return rows.map((r) => r.createdAt);
    },
    async recordFailure(identityId, at, forgetBefore) {
      const client = db.client();
      await client.linkAttempt.deleteMany({ where: { identityId, createdAt: { lt: forgetBefore } } });
      await client.linkAttempt.create({ data: { identityId, createdAt: at } });
    },
    async confirm(code, identityId, residentId) {
      const client = db.client();
      const claimed = await client.linkClaim.deleteMany({ where: { code, identityId } });
      const link = await client.linkCode.findUnique({ where: { code } });
      if (claimed.count === 0 || !link) return undefined;
      await client.linkCode.delete({ where: { code } });
      await mergeResidents(client, residentId, link.residentId, mergeOptions);
      return link.residentId;
    },
    unlink: (identityId) => splitIdentity(db.client(), identityId),
    async identities(residentId) {
      const rows = await db.client().identity.findMany({
        where: { residentId },
        orderBy: { createdAt: "asc" },
        select: { id: true, channel: true, displayName: true },
      });
      return rows;
    },
  };
}
