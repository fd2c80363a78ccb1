-- AlterTable
ALTER TABLE "Survey" ADD COLUMN     "plannedOpensAt" TIMESTAMP(3),
ADD COLUMN     "publishedAt" TIMESTAMP(3);
