-- AlterTable
ALTER TABLE "Idea" DROP COLUMN "photoRef",
ADD COLUMN     "photoId" INTEGER;

-- AlterTable
ALTER TABLE "NewsItem" ADD COLUMN     "photoId" INTEGER;

-- CreateTable
CREATE TABLE "Photo" (
    "id" SERIAL NOT NULL,
    "bytes" BYTEA NOT NULL,
    "mimeType" TEXT NOT NULL,
    "ownerResidentId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Photo_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Photo_createdAt_idx" ON "Photo"("createdAt");

-- CreateIndex
CREATE INDEX "Idea_photoId_idx" ON "Idea"("photoId");

-- CreateIndex
CREATE INDEX "NewsItem_photoId_idx" ON "NewsItem"("photoId");

-- AddForeignKey
ALTER TABLE "Idea" ADD CONSTRAINT "Idea_photoId_fkey" FOREIGN KEY ("photoId") REFERENCES "Photo"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NewsItem" ADD CONSTRAINT "NewsItem_photoId_fkey" FOREIGN KEY ("photoId") REFERENCES "Photo"("id") ON DELETE SET NULL ON UPDATE CASCADE;
