-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "probeIntervalSeconds" INTEGER,
ADD COLUMN     "probeMode" TEXT NOT NULL DEFAULT 'models';

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "bodyMaxBytes" INTEGER NOT NULL DEFAULT 32768,
ADD COLUMN     "bodyRetentionDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "storeBodies" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "VirtualKey" ADD COLUMN     "endUserDailyBudgetUsd" DOUBLE PRECISION,
ADD COLUMN     "endUserRpmLimit" INTEGER;

-- AlterTable
ALTER TABLE "RequestLog" ADD COLUMN     "cachedTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pricing" JSONB;

-- AlterTable
ALTER TABLE "ModelPrice" ADD COLUMN     "cachedInputUsdPerMTokens" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "EndUserRollupHour" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "keyId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "modelGroup" TEXT NOT NULL,
    "endUser" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "totalTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "EndUserRollupHour_pkey" PRIMARY KEY ("bucket","keyId","modelGroup","endUser")
);

-- CreateTable
CREATE TABLE "RequestBody" (
    "requestId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "projectId" UUID NOT NULL,
    "request" TEXT,
    "response" TEXT,
    "truncated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "RequestBody_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "urlEncrypted" TEXT NOT NULL,
    "urlHint" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT,
    "threshold" DOUBLE PRECISION,
    "windowMinutes" INTEGER NOT NULL DEFAULT 5,
    "minRequests" INTEGER NOT NULL DEFAULT 10,
    "channelIds" UUID[] DEFAULT ARRAY[]::UUID[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertState" (
    "ruleId" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "firingSince" TIMESTAMPTZ(3) NOT NULL,
    "lastValue" DOUBLE PRECISION,

    CONSTRAINT "AlertState_pkey" PRIMARY KEY ("ruleId","subject")
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ruleId" UUID,
    "ruleName" TEXT,
    "channelId" UUID,
    "channelName" TEXT,
    "state" TEXT NOT NULL,
    "subject" TEXT,
    "message" TEXT NOT NULL,
    "delivery" TEXT NOT NULL,
    "responseStatus" INTEGER,
    "error" TEXT,

    CONSTRAINT "AlertEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EndUserRollupHour_keyId_endUser_bucket_idx" ON "EndUserRollupHour"("keyId", "endUser", "bucket");

-- CreateIndex
CREATE INDEX "RequestBody_createdAt_idx" ON "RequestBody"("createdAt");

-- CreateIndex
CREATE INDEX "RequestBody_projectId_createdAt_idx" ON "RequestBody"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_name_key" ON "AlertChannel"("name");

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_name_key" ON "AlertRule"("name");

-- CreateIndex
CREATE INDEX "AlertEvent_createdAt_idx" ON "AlertEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AlertEvent_ruleId_createdAt_idx" ON "AlertEvent"("ruleId", "createdAt");
