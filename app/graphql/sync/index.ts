export * from "./bulk";
export * from "./reconcile";
export * from "./shop";
