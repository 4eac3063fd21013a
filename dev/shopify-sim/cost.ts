// Shopify's calculated query cost and leaky-bucket throttle.
// Rules (shopify.dev "API rate limits"): scalars/enums 0, objects 1,
// connections 2 + first|last × (cost of one node), mutations 10. The actual
// cost walks the response and counts the nodes that really came back.
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export const SINGLE_QUERY_MAX_COST = 1000;
export const MUTATION_COST = 10;

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

function pageSize(field: FieldNode, variables: Record<string, unknown>): number {
  for (const name of ["first", "last"]) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    const v = argValue(arg?.value, variables);
    if (typeof v === "number") return v;
  }
  return 0;
}

function isConnection(t: GraphQLNamedType): boolean {
  return isObjectType(t) && t.name.endsWith("Connection") && "pageInfo" in t.getFields();
}

/** Collects field nodes, expanding fragments that apply; type-specific branches are returned apart. */
function fieldsOf(
  sel: SelectionSetNode,
  parent: GraphQLCompositeType,
  input: CostInput,
): { common: FieldNode[]; branches: Map<string, FieldNode[]> } {
  const common: FieldNode[] = [];
  const branches = new Map<string, FieldNode[]>();
  const visit = (s: SelectionSetNode, into: (f: FieldNode, cond?: string) => void, cond?: string) => {
    for (const node of s.selections) {
      if (node.kind === Kind.FIELD) into(node, cond);
      else {
        const frag = node.kind === Kind.FRAGMENT_SPREAD ? input.fragments[node.name.value] : node;
        if (!frag) continue;
        const tc = frag.typeCondition?.name.value;
        visit(frag.selectionSet, into, tc && tc !== parent.name ? tc : cond);
      }
    }
  };
  visit(sel, (f, cond) => {
    if (!cond) common.push(f);
    else {
      let list = branches.get(cond);
      if (!list) branches.set(cond, (list = []));
      list.push(f);
    }
  });
  return { common, branches };
}

function fieldDef(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isAbstractType(parent)) return "getFields" in parent ? (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name] : undefined;
  return (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
}

/**
 * Cost of a selection set on `parent`. With `data` (the response object for
 * this selection) it returns the actual cost; without it, the requested cost.
 */
function selectionCost(
  sel: SelectionSetNode,
  parent: GraphQLCompositeType,
  input: CostInput,
  data: Record<string, unknown> | undefined,
  actual: boolean,
): number {
  const { common, branches } = fieldsOf(sel, parent, input);
  let total = 0;
  for (const f of common) total += fieldCost(f, parent, input, data, actual);
  let branchMax = 0;
  for (const [typeName, fields] of branches) {
    const t = input.schema.getType(typeName);
    if (!t || !isCompositeType(t)) continue;
    if (actual && data && data.__typename !== undefined && data.__typename !== typeName) continue;
    let c = 0;
    for (const f of fields) c += fieldCost(f, t, input, data, actual);
    branchMax = Math.max(branchMax, c);
  }
  return total + branchMax;
}

function fieldCost(
  f: FieldNode,
  parent: GraphQLCompositeType,
  input: CostInput,
  data: Record<string, unknown> | undefined,
  actual: boolean,
): number {
  const name = f.name.value;
  if (name.startsWith("__")) return 0;
  const def = fieldDef(parent, name);
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (!isCompositeType(named) || !f.selectionSet) return 0;
  const key = f.alias?.value ?? name;
  const value = data?.[key];
  if (actual && (value === null || value === undefined)) return 0;

  if (isConnection(named)) {
    const conn = named as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> };
    const connFields = fieldsOf(f.selectionSet, named, input).common;
    let perNode = 0;
    let items = 0;
    for (const cf of connFields) {
      const cname = cf.name.value;
      const ckey = cf.alias?.value ?? cname;
      const cdef = conn.getFields()[cname];
      if (!cdef || !cf.selectionSet) continue;
      const cvalue = (value as Record<string, unknown> | undefined)?.[ckey];
      if (cname === "edges") {
        // Edge wrappers are free; each edge's node costs 1 + its selection.
        const edgeType = getNamedType(cdef.type) as GraphQLCompositeType;
        const nodeField = fieldsOf(cf.selectionSet, edgeType, input).common.find((x) => x.name.value === "node");
        if (!nodeField?.selectionSet) continue;
        const nodeType = getNamedType(fieldDef(edgeType, "node")!.type) as GraphQLCompositeType;
        const nodeKey = nodeField.alias?.value ?? "node";
        if (actual) {
          const edges = Array.isArray(cvalue) ? (cvalue as Array<Record<string, unknown>>) : [];
          items = Math.max(items, edges.length);
          for (const e of edges) {
            const n = e?.[nodeKey] as Record<string, unknown> | null;
            if (n) perNode += 1 + selectionCost(nodeField.selectionSet, nodeType, input, n, true);
          }
        } else perNode = Math.max(perNode, 1 + selectionCost(nodeField.selectionSet, nodeType, input, undefined, false));
      } else if (cname === "nodes") {
        const nodeType = getNamedType(cdef.type) as GraphQLCompositeType;
        if (actual) {
          const nodes = Array.isArray(cvalue) ? (cvalue as Array<Record<string, unknown>>) : [];
          items = Math.max(items, nodes.length);
          for (const n of nodes) if (n) perNode += 1 + selectionCost(cf.selectionSet, nodeType, input, n, true);
        } else perNode = Math.max(perNode, 1 + selectionCost(cf.selectionSet, nodeType, input, undefined, false));
      }
    }
    if (actual) return 2 + perNode;
    return 2 + pageSize(f, input.variables) * perNode;
  }

  if (actual && Array.isArray(value)) {
    let c = 0;
    for (const item of value) if (item) c += 1 + selectionCost(f.selectionSet, named, input, item as Record<string, unknown>, true);
    return c;
  }
  return 1 + selectionCost(f.selectionSet, named, input, actual ? (value as Record<string, unknown>) : undefined, actual);
}

export function requestedCost(input: CostInput): number {
  if (input.operation.operation === "mutation") {
    return fieldsOf(input.operation.selectionSet, input.schema.getMutationType()!, input).common.filter((f) => !f.name.value.startsWith("__")).length * MUTATION_COST;
  }
  const root = input.operation.operation === "subscription" ? input.schema.getSubscriptionType() : input.schema.getQueryType();
  return root ? selectionCost(input.operation.selectionSet, root, input, undefined, false) : 0;
}

export function actualCost(input: CostInput, data: Record<string, unknown> | null | undefined): number {
  if (input.operation.operation === "mutation") return requestedCost(input);
  const root = input.schema.getQueryType();
  if (!root || !data) return 0;
  return selectionCost(input.operation.selectionSet, root, input, data, true);
}

export interface ThrottleConfig {
  maximumAvailable: number;
  restoreRate: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Leaky bucket per shop+app: refills `restoreRate` points per second up to the maximum. */
export class LeakyBucket {
  private available: number;
  private lastMs: number;

  constructor(
    public config: ThrottleConfig,
    nowMs: number,
  ) {
    this.available = config.maximumAvailable;
    this.lastMs = nowMs;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastMs) / 1000;
    this.available = Math.min(this.config.maximumAvailable, this.available + elapsed * this.config.restoreRate);
    this.lastMs = nowMs;
  }

  /** Takes `cost` points if available; false means throttled (nothing taken). */
  take(cost: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number, nowMs: number): void {
    this.refill(nowMs);
    this.available = Math.min(this.config.maximumAvailable, this.available + Math.max(0, points));
  }

  set(state: Partial<ThrottleStatus>, nowMs: number): void {
    this.refill(nowMs);
    if (state.maximumAvailable !== undefined) this.config = { ...this.config, maximumAvailable: state.maximumAvailable };
    if (state.restoreRate !== undefined) this.config = { ...this.config, restoreRate: state.restoreRate };
    if (state.currentlyAvailable !== undefined) this.available = state.currentlyAvailable;
    this.available = Math.min(this.available, this.config.maximumAvailable);
  }

  status(nowMs: number): ThrottleStatus {
    this.refill(nowMs);
    return {
      maximumAvailable: this.config.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.config.restoreRate,
    };
  }
}
