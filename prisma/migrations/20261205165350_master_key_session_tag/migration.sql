-- AlterTable
ALTER TABLE "AdminSession" ADD COLUMN     "masterKeyTag" TEXT;
