-- CreateTable
CREATE TABLE "UsageRollupDay" (
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

    CONSTRAINT "UsageRollupDay_pkey" PRIMARY KEY ("bucket","modelGroup","deploymentId","projectId","keyId")
);
