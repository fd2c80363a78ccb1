import type { Resident } from "../../core/model/resident.js";
import { isLocale } from "../../core/model/locale.js";
import type { ResidentStore } from "../../core/ports/stores.js";
import type { PrismaAccess } from "../prisma-access.js";
import type { Resident as ResidentRow } from "../generated/prisma/client.js";

type ResidentFields = Pick<ResidentRow, "id" | "locale" | "homeAreaId" | "privacyAcceptedAt" | "privacyVersion" | "privacyWithdrawnAt" | "onboardedAt" | "blockedAt">;

interface IdentityResidentRow extends ResidentFields {
  privateChatId: string | null;
}

export function toResident(row: ResidentFields): Resident {
  return {
    id: row.id,
    locale: isLocale(row.locale) ? row.locale : null,
    homeAreaId: row.homeAreaId,
    privacyAcceptedAt: row.privacyAcceptedAt,
    privacyVersion: row.privacyVersion,
    privacyWithdrawnAt: row.privacyWithdrawnAt,
    onboardedAt: row.onboardedAt,
    blockedAt: row.blockedAt,
  };
}

export function createResidentStore(db: PrismaAccess): ResidentStore {
  return {
    async resolveIdentity(identityId, channel, displayName, privateChatId) {
      const client = db.client();
      // Every inbound event resolves its sender: one joined read instead of Prisma's two for an include.
      const rows = await client.$queryRaw<(IdentityResidentRow)[]>`SELECT r."id", r."locale", r."homeAreaId",
          r."privacyAcceptedAt", r."privacyVersion", r."privacyWithdrawnAt", r."onboardedAt", r."blockedAt", i."privateChatId"
        FROM "Identity" i JOIN "Resident" r ON r."id" = i."residentId" WHERE i."id" = ${identityId}`;
      const found = rows[0];
      if (found) {
        if (privateChatId && found.privateChatId !== privateChatId) {
          await client.identity.update({ where: { id: identityId }, data: { privateChatId } });
        }
        return toResident(found);
      }
      // A concurrent first contact of the same identity hits the primary key; the unit of work retries.
      const resident = await client.resident.create({
        data: {
          identities: {
            create: { id: identityId, channel, displayName: displayName ?? null, privateChatId: privateChatId ?? null },
          },
        },
      });
      return toResident(resident);
    },
    async get(residentId) {
      const row = await db.client().resident.findUnique({ where: { id: residentId } });
      return row ? toResident(row) : undefined;
    },
    async update(residentId, patch) {
      return toResident(await db.client().resident.update({ where: { id: residentId }, data: patch }));
    },
    async localeOfIdentity(identityId) {
      const row = await db.client().identity.findUnique({ where: { id: identityId }, select: { resident: { select: { locale: true } } } });
      const locale = row?.resident.locale;
      return isLocale(locale) ? locale : undefined;
    },
    async identitiesOf(residentId) {
      const rows = await db.client().identity.findMany({ where: { residentId }, select: { id: true } });
      return rows.map((r) => r.id);
    },
  };
}
