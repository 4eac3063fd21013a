-- DropForeignKey
ALTER TABLE "OrderLineItem" DROP CONSTRAINT "OrderLineItem_orderId_fkey";

-- DropIndex
DROP INDEX "OrderLineItem_orderId_shopifyId_key";

-- AlterTable
ALTER TABLE "OrderLineItem" DROP CONSTRAINT "OrderLineItem_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "OrderLineItem_pkey" PRIMARY KEY ("orderId", "shopifyId");

