export * from "./discounts";
export * from "./metafields";
