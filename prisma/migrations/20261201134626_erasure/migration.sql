-- AlterTable
ALTER TABLE "ProcessedEvent" ADD COLUMN     "identityId" TEXT;

-- CreateIndex
CREATE INDEX "ProcessedEvent_identityId_idx" ON "ProcessedEvent"("identityId");
