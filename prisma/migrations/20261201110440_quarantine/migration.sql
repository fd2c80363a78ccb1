-- CreateTable
CREATE TABLE "QuarantinedEvent" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuarantinedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "QuarantinedEvent_createdAt_idx" ON "QuarantinedEvent"("createdAt");
