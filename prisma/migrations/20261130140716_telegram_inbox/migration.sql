-- CreateTable
CREATE TABLE "TelegramInboxUpdate" (
    "botId" TEXT NOT NULL,
    "updateId" BIGINT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelegramInboxUpdate_pkey" PRIMARY KEY ("botId","updateId")
);
