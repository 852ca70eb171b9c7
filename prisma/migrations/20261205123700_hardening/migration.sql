-- AlterTable
ALTER TABLE "ModelGroup" ADD COLUMN     "maxCooldownSeconds" INTEGER NOT NULL DEFAULT 300;

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "capabilities" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "RequestRefusalMinute" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "route" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RequestRefusalMinute_pkey" PRIMARY KEY ("bucket","route","status","reason")
);
