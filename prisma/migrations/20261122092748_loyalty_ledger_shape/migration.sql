-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LoyaltyAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerShopifyId" TEXT NOT NULL,
    "tier" TEXT,
    "lastActivityAt" DATETIME,
    "metafieldsDirty" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_LoyaltyAccount" ("createdAt", "customerShopifyId", "id", "lastActivityAt", "metafieldsDirty", "shop", "tier", "updatedAt", "version") SELECT "createdAt", "customerShopifyId", "id", "lastActivityAt", "metafieldsDirty", "shop", "tier", "updatedAt", "version" FROM "LoyaltyAccount";
DROP TABLE "LoyaltyAccount";
ALTER TABLE "new_LoyaltyAccount" RENAME TO "LoyaltyAccount";
CREATE INDEX "LoyaltyAccount_shop_metafieldsDirty_idx" ON "LoyaltyAccount"("shop", "metafieldsDirty");
CREATE UNIQUE INDEX "LoyaltyAccount_shop_customerShopifyId_key" ON "LoyaltyAccount"("shop", "customerShopifyId");
CREATE TABLE "new_LedgerEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "ruleSnapshot" JSONB NOT NULL,
    "refund" JSONB,
    "lotId" TEXT,
    "actor" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_LedgerEntry" ("accountId", "actor", "createdAt", "id", "idempotencyKey", "lotId", "occurredAt", "points", "reason", "ruleSnapshot", "shop", "sourceId", "sourceKind", "type") SELECT "accountId", "actor", "createdAt", "id", "idempotencyKey", "lotId", "occurredAt", "points", "reason", "ruleSnapshot", "shop", "sourceId", "sourceKind", "type" FROM "LedgerEntry";
DROP TABLE "LedgerEntry";
ALTER TABLE "new_LedgerEntry" RENAME TO "LedgerEntry";
CREATE INDEX "LedgerEntry_accountId_occurredAt_idx" ON "LedgerEntry"("accountId", "occurredAt");
CREATE INDEX "LedgerEntry_shop_type_occurredAt_idx" ON "LedgerEntry"("shop", "type", "occurredAt");
CREATE UNIQUE INDEX "LedgerEntry_accountId_idempotencyKey_seq_key" ON "LedgerEntry"("accountId", "idempotencyKey", "seq");
CREATE TABLE "new_PointLot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "earnedAt" DATETIME NOT NULL,
    "spendableAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    "points" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_PointLot" ("accountId", "createdAt", "earnedAt", "expiresAt", "id", "points", "remaining", "shop", "spendableAt", "status", "updatedAt") SELECT "accountId", "createdAt", "earnedAt", "expiresAt", "id", "points", "remaining", "shop", "spendableAt", "status", "updatedAt" FROM "PointLot";
DROP TABLE "PointLot";
ALTER TABLE "new_PointLot" RENAME TO "PointLot";
CREATE INDEX "PointLot_accountId_status_idx" ON "PointLot"("accountId", "status");
CREATE INDEX "PointLot_shop_status_spendableAt_idx" ON "PointLot"("shop", "status", "spendableAt");
CREATE INDEX "PointLot_shop_status_expiresAt_idx" ON "PointLot"("shop", "status", "expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

