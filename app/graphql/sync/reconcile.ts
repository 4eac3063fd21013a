import { CUSTOMER_FIELDS, LINE_ITEM_FIELDS, ORDER_FIELDS } from "./fields";

// 5 orders x 15 lines keeps the requested cost near 700, under the 1,000-point
// single-query limit (objects cost 1, connections 2 + first x node); longer
// orders page their remaining lines with ORDER_LINE_ITEMS_PAGE.
export const ORDERS_UPDATED_SINCE = `#graphql
query OrdersUpdatedSince($query: String!, $after: String) {
  orders(first: 5, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ${ORDER_FIELDS}
      lineItems(first: 15) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } }
    }
  }
}`;

export const ORDER_LINE_ITEMS_PAGE = `#graphql
query OrderLineItemsPage($id: ID!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } }
  }
}`;

export const CUSTOMERS_UPDATED_SINCE = `#graphql
query CustomersUpdatedSince($query: String!, $after: String) {
  customers(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${CUSTOMER_FIELDS} }
  }
}`;
