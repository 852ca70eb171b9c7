-- CreateTable
CREATE TABLE "UsageRollup" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "modelGroup" TEXT NOT NULL,
    "deploymentId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "keyId" UUID NOT NULL,
    "deploymentName" TEXT,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "promptTokens" BIGINT NOT NULL DEFAULT 0,
    "completionTokens" BIGINT NOT NULL DEFAULT 0,
    "totalTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyMsSum" BIGINT NOT NULL DEFAULT 0,
    "latencyHist" INTEGER[],

    CONSTRAINT "UsageRollup_pkey" PRIMARY KEY ("bucket","modelGroup","deploymentId","projectId","keyId")
);

-- CreateTable
CREATE TABLE "UsageRollupHour" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "modelGroup" TEXT NOT NULL,
    "deploymentId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "keyId" UUID NOT NULL,
    "deploymentName" TEXT,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "promptTokens" BIGINT NOT NULL DEFAULT 0,
    "completionTokens" BIGINT NOT NULL DEFAULT 0,
    "totalTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyMsSum" BIGINT NOT NULL DEFAULT 0,
    "latencyHist" INTEGER[],

    CONSTRAINT "UsageRollupHour_pkey" PRIMARY KEY ("bucket","modelGroup","deploymentId","projectId","keyId")
);

-- CreateTable
CREATE TABLE "RequestLogBatch" (
    "id" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequestLogBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RequestLogBatch_createdAt_idx" ON "RequestLogBatch"("createdAt");
