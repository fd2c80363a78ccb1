-- AlterTable
ALTER TABLE "ProcessedEvent" ADD COLUMN     "reply" JSONB;
