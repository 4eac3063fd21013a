-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OrderLineItem" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "productId" TEXT,
    "variantId" TEXT,
    "title" TEXT,
    "sku" TEXT,
    "quantity" INTEGER NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "discountMinor" INTEGER NOT NULL DEFAULT 0,
    "giftCard" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("orderId", "shopifyId")
);
INSERT INTO "new_OrderLineItem" ("discountMinor", "giftCard", "orderId", "priceMinor", "productId", "quantity", "shop", "shopifyId", "sku", "title", "variantId") SELECT "discountMinor", "giftCard", "orderId", "priceMinor", "productId", "quantity", "shop", "shopifyId", "sku", "title", "variantId" FROM "OrderLineItem";
DROP TABLE "OrderLineItem";
ALTER TABLE "new_OrderLineItem" RENAME TO "OrderLineItem";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

