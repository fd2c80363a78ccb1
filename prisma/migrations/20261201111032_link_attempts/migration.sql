-- CreateTable
CREATE TABLE "LinkAttempt" (
    "id" SERIAL NOT NULL,
    "identityId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkClaim" (
    "code" TEXT NOT NULL,
    "identityId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkClaim_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "LinkAttempt_identityId_createdAt_idx" ON "LinkAttempt"("identityId", "createdAt");

-- CreateIndex
CREATE INDEX "LinkClaim_identityId_idx" ON "LinkClaim"("identityId");
