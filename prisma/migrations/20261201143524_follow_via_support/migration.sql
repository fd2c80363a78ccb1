-- AlterTable
ALTER TABLE "Follow" ADD COLUMN     "viaSupport" BOOLEAN NOT NULL DEFAULT false;

-- Follows that supporting created before this column existed: made in the same moment as the
-- support (a follow made on purpose earlier is older and stays a follow of its own).
UPDATE "Follow" AS f SET "viaSupport" = true
FROM "Support" AS s
WHERE s."ideaId" = f."ideaId" AND s."residentId" = f."residentId"
  AND f."createdAt" BETWEEN s."createdAt" - INTERVAL '5 seconds' AND s."createdAt" + INTERVAL '5 seconds';
