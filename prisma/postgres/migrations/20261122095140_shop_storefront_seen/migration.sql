-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "storefrontSeenAt" TIMESTAMP(3);

