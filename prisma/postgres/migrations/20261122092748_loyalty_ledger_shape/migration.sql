-- DropIndex
DROP INDEX "LedgerEntry_shop_idempotencyKey_key";

-- AlterTable
ALTER TABLE "LoyaltyAccount" DROP COLUMN "debtPoints";

-- AlterTable
ALTER TABLE "LedgerEntry" DROP COLUMN "settingsVersion",
ADD COLUMN     "bucket" TEXT NOT NULL,
ADD COLUMN     "refund" JSONB,
ADD COLUMN     "seq" INTEGER NOT NULL,
ALTER COLUMN "sourceId" SET NOT NULL,
ALTER COLUMN "ruleSnapshot" SET NOT NULL;

-- AlterTable
ALTER TABLE "PointLot" DROP COLUMN "sourceKey",
ADD COLUMN     "sourceId" TEXT NOT NULL,
ADD COLUMN     "sourceKind" TEXT NOT NULL,
ALTER COLUMN "status" DROP DEFAULT;

-- CreateIndex
CREATE INDEX "LedgerEntry_shop_type_occurredAt_idx" ON "LedgerEntry"("shop", "type", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_accountId_idempotencyKey_seq_key" ON "LedgerEntry"("accountId", "idempotencyKey", "seq");

