-- AlterTable
ALTER TABLE "Resident" ADD COLUMN     "privacyVersion" TEXT,
ADD COLUMN     "privacyWithdrawnAt" TIMESTAMP(3),
ADD COLUMN     "stayAskedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ConsentRecord" (
    "id" SERIAL NOT NULL,
    "residentId" INTEGER NOT NULL,
    "noticeVersion" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsentRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConsentRecord_residentId_createdAt_idx" ON "ConsentRecord"("residentId", "createdAt");

-- AddForeignKey
ALTER TABLE "ConsentRecord" ADD CONSTRAINT "ConsentRecord_residentId_fkey" FOREIGN KEY ("residentId") REFERENCES "Resident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
