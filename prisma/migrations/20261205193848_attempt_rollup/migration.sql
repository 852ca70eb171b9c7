-- CreateTable
CREATE TABLE "AttemptRollup" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "deploymentId" UUID NOT NULL,
    "outcome" TEXT NOT NULL,
    "deploymentName" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "latencyMsSum" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "AttemptRollup_pkey" PRIMARY KEY ("bucket","deploymentId","outcome")
);

-- CreateIndex
CREATE INDEX "AttemptRollup_deploymentId_bucket_idx" ON "AttemptRollup"("deploymentId", "bucket");
