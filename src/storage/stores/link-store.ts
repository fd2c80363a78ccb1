import type { LinkStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";
import { mergeResidents, type MergeOptions } from "../resident-merge.js";

export function createLinkStore(db: PrismaAccess, mergeOptions: MergeOptions = {}): LinkStore {
  return {
    async issue(residentId, code, expiresAt) {
      const client = db.client();
      await client.linkCode.deleteMany({ where: { residentId } });
      await client.linkCode.create({ data: { code, residentId, expiresAt } });
    },
    async redeem(code, residentId, now) {
      const client = db.client();
      const link = await client.linkCode.findUnique({ where: { code } });
      if (!link) return { kind: "invalid" };
      if (link.expiresAt <= now) {
        await client.linkCode.delete({ where: { code } });
        return { kind: "expired" };
      }
      if (link.residentId === residentId) return { kind: "same-resident" };
      await client.linkCode.delete({ where: { code } });
      await mergeResidents(client, residentId, link.residentId, mergeOptions);
      return { kind: "linked", residentId: link.residentId };
    },
  };
}
