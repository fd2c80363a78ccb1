-- AlterTable
ALTER TABLE "Identity" ADD COLUMN     "privateChatId" TEXT;
