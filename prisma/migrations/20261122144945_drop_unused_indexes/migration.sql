-- DropIndex
DROP INDEX "Customer_shop_shopifyUpdatedAt_idx";

-- DropIndex
DROP INDEX "Order_shop_shopifyUpdatedAt_idx";

-- DropIndex
DROP INDEX "OrderLineItem_shop_idx";

