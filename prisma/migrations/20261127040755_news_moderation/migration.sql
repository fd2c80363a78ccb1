-- AlterTable
ALTER TABLE "NewsItem" ADD COLUMN     "authorResidentId" INTEGER,
ADD COLUMN     "rejectReason" TEXT;
