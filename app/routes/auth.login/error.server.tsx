import { LoginErrorType } from "@shopify/shopify-app-remix/server";

export function loginErrorMessage(loginErrors: unknown): { shop?: string } {
  const errors = loginErrors as { shop?: LoginErrorType } | undefined;
  if (errors?.shop === LoginErrorType.MissingShop) return { shop: "Please enter your shop domain to log in" };
  if (errors?.shop === LoginErrorType.InvalidShop) return { shop: "Please enter a valid shop domain to log in" };
  return {};
}
