-- AlterTable
ALTER TABLE "UsageRollup" ADD COLUMN     "latencySketch" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- AlterTable
ALTER TABLE "UsageRollupHour" ADD COLUMN     "latencySketch" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- AlterTable
ALTER TABLE "UsageRollupDay" ADD COLUMN     "latencySketch" INTEGER[] DEFAULT ARRAY[]::INTEGER[];
