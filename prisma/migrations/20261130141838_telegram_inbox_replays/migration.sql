-- AlterTable
ALTER TABLE "TelegramInboxUpdate" ADD COLUMN     "replays" INTEGER NOT NULL DEFAULT 0;
