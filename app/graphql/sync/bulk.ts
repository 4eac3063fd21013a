import { CUSTOMER_FIELDS, LINE_ITEM_FIELDS, ORDER_FIELDS } from "./fields";

/** Bulk query: every customer (one JSONL line each). */
export const BULK_CUSTOMERS_QUERY = `#graphql
{ customers { edges { node { ${CUSTOMER_FIELDS} } } } }`;

/** Bulk query: every order (needs read_all_orders) with line items as child lines (`__parentId`). */
export const BULK_ORDERS_QUERY = `#graphql
{ orders { edges { node { ${ORDER_FIELDS}
  lineItems { edges { node { ${LINE_ITEM_FIELDS} } } } } } } }`;

export const BULK_OPERATION_RUN_QUERY = `#graphql
mutation BulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

export const BULK_OPERATION_STATUS = `#graphql
query BulkOperationStatus($id: ID!) {
  bulkOperation(id: $id) {
    id status errorCode objectCount rootObjectCount url partialDataUrl createdAt completedAt
  }
}`;
