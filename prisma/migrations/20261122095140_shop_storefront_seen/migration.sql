-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "storefrontSeenAt" DATETIME;

