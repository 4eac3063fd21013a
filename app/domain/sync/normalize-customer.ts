import { SyncInputError } from "./errors";
import { pickId, toShopifyId } from "./ids";
import { asRecord, normalizeTags, optionalDate, optionalRecord, optionalString, requiredDate } from "./read";
import { normalizeConsent } from "./statuses";
import type { NormalizedCustomer } from "./types";

/** customers/create and customers/update payloads (REST). */
export function normalizeRestCustomer(payload: unknown, path = "customer"): NormalizedCustomer {
  const c = asRecord(payload, path);
  const email = optionalRecord(c.email_marketing_consent, `${path}.email_marketing_consent`);
  const sms = optionalRecord(c.sms_marketing_consent, `${path}.sms_marketing_consent`);
  return {
    shopifyId: pickId(c, path, "Customer"),
    email: optionalString(c.email, `${path}.email`) || null,
    firstName: optionalString(c.first_name, `${path}.first_name`),
    lastName: optionalString(c.last_name, `${path}.last_name`),
    phone: optionalString(c.phone, `${path}.phone`) || null,
    emailMarketing: email ? normalizeConsent(optionalString(email.state, `${path}.email_marketing_consent.state`)) : null,
    smsMarketing: sms ? normalizeConsent(optionalString(sms.state, `${path}.sms_marketing_consent.state`)) : null,
    tags: normalizeTags(c.tags, `${path}.tags`),
    state: normalizeConsent(optionalString(c.state, `${path}.state`)),
    createdAt: optionalDate(c.created_at, `${path}.created_at`),
    updatedAt: requiredDate(c.updated_at, `${path}.updated_at`),
  };
}

/** A GraphQL Customer node (bulk JSONL line or query node). */
export function normalizeGraphqlCustomer(node: unknown, path = "customer"): NormalizedCustomer {
  const c = asRecord(node, path);
  if (c.id === undefined || c.id === null) throw new SyncInputError("missing_field", `${path}.id`, "required id is missing");
  const email = optionalRecord(c.emailMarketingConsent, `${path}.emailMarketingConsent`);
  const sms = optionalRecord(c.smsMarketingConsent, `${path}.smsMarketingConsent`);
  return {
    shopifyId: toShopifyId(c.id, `${path}.id`, "Customer"),
    email: optionalString(c.email, `${path}.email`) || null,
    firstName: optionalString(c.firstName, `${path}.firstName`),
    lastName: optionalString(c.lastName, `${path}.lastName`),
    phone: optionalString(c.phone, `${path}.phone`) || null,
    emailMarketing: email ? normalizeConsent(optionalString(email.marketingState, `${path}.emailMarketingConsent.marketingState`)) : null,
    smsMarketing: sms ? normalizeConsent(optionalString(sms.marketingState, `${path}.smsMarketingConsent.marketingState`)) : null,
    tags: normalizeTags(c.tags, `${path}.tags`),
    state: normalizeConsent(optionalString(c.state, `${path}.state`)),
    createdAt: optionalDate(c.createdAt, `${path}.createdAt`),
    updatedAt: requiredDate(c.updatedAt, `${path}.updatedAt`),
  };
}

/** customers/delete carries only the id. */
export function readDeletedCustomerId(payload: unknown, path = "customer"): string {
  return pickId(asRecord(payload, path), path, "Customer");
}
