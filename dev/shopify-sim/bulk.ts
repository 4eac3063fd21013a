// Bulk query operations: validate the query (1..5 connections, ≤ 2 levels),
// then run it in windows of root objects over the store, streaming Shopify's
// ungrouped JSONL (children as separate lines with `__parentId`) to disk.
import { createWriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import {
  execute,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { BulkWindow } from "./connection";
import type { ExecContext, SimServices } from "./context";
import { toGid } from "./gid";
import { queryRoot } from "./queries";
import type { BulkOperationRecord, ShopState, SimStore } from "./store";
import type { WebhookSender } from "./webhooks";

export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_DEPTH = 2;
export const MAX_CONCURRENT_BULK_QUERIES = 5;
const WINDOW = 250;

export interface BulkFault {
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";
  /** Fail after writing this many objects; they become `partialDataUrl`. */
  afterObjects?: number;
}

interface ConnPlan {
  /** Response keys from the owning node to the connection object. */
  path: string[];
  via: { kind: "edges"; edgesKey: string; nodeKey: string } | { kind: "nodes"; nodesKey: string };
  child: NodePlan;
}
interface NodePlan {
  connections: ConnPlan[];
  hasId: boolean;
}

type BulkUserError = { field: string[] | null; message: string; code: string };

function isConnectionType(t: GraphQLNamedType): boolean {
  return isObjectType(t) && t.name.endsWith("Connection") && "pageInfo" in t.getFields();
}

class PlanError extends Error {}

function collectFields(sel: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...collectFields(s.selectionSet, fragments));
    else {
      const f = fragments[s.name.value];
      if (f) out.push(...collectFields(f.selectionSet, fragments));
    }
  }
  return out;
}

function fieldType(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLNamedType | undefined {
  if (name === "__typename") return undefined;
  const fields = "getFields" in parent ? (parent.getFields() as Record<string, { type: Parameters<typeof getNamedType>[0] }>) : {};
  const def = fields[name];
  return def ? getNamedType(def.type) ?? undefined : undefined;
}

/** Builds the flattening plan for a node selection; counts connections and depth. */
function planNode(
  schema: GraphQLSchema,
  sel: SelectionSetNode,
  type: GraphQLCompositeType,
  fragments: Record<string, FragmentDefinitionNode>,
  depth: number,
  stats: { connections: number; maxDepth: number },
  prefix: string[] = [],
  plan: NodePlan = { connections: [], hasId: false },
): NodePlan {
  for (const f of collectFields(sel, fragments)) {
    const key = f.alias?.value ?? f.name.value;
    if (prefix.length === 0 && f.name.value === "id") plan.hasId = true;
    const t = fieldType(schema, type, f.name.value);
    if (!t || !isCompositeType(t) || !f.selectionSet) continue;
    if (isConnectionType(t)) {
      stats.connections++;
      stats.maxDepth = Math.max(stats.maxDepth, depth + 1);
      const connFields = collectFields(f.selectionSet, fragments);
      const edges = connFields.find((x) => x.name.value === "edges");
      const nodes = connFields.find((x) => x.name.value === "nodes");
      let via: ConnPlan["via"];
      let nodeSel: SelectionSetNode | undefined;
      let nodeType: GraphQLNamedType | undefined;
      if (edges?.selectionSet) {
        const edgeType = fieldType(schema, t, "edges") as GraphQLCompositeType;
        const node = collectFields(edges.selectionSet, fragments).find((x) => x.name.value === "node");
        if (!node?.selectionSet) throw new PlanError(`Connection '${key}' must select edges { node { ... } } or nodes { ... }`);
        via = { kind: "edges", edgesKey: edges.alias?.value ?? "edges", nodeKey: node.alias?.value ?? "node" };
        nodeSel = node.selectionSet;
        nodeType = fieldType(schema, edgeType, "node");
      } else if (nodes?.selectionSet) {
        via = { kind: "nodes", nodesKey: nodes.alias?.value ?? "nodes" };
        nodeSel = nodes.selectionSet;
        nodeType = fieldType(schema, t, "nodes");
      } else {
        throw new PlanError(`Connection '${key}' must select edges { node { ... } } or nodes { ... }`);
      }
      const child = planNode(schema, nodeSel, nodeType as GraphQLCompositeType, fragments, depth + 1, stats);
      plan.connections.push({ path: [...prefix, key], via, child });
    } else {
      planNode(schema, f.selectionSet, t, fragments, depth, stats, [...prefix, key], plan);
    }
  }
  return plan;
}

function checkParentIds(plan: NodePlan): string | undefined {
  for (const c of plan.connections) {
    if (c.child.connections.length && !c.child.hasId) {
      return `The parent 'node' field for a nested connection must select the 'id' field. Connection fields without 'id': ${c.path.join(".")}.`;
    }
    const inner = checkParentIds(c.child);
    if (inner) return inner;
  }
  return undefined;
}

interface Prepared {
  doc: DocumentNode;
  rootKey: string;
  rootPlan: ConnPlan;
}

export function prepareBulkQuery(schema: GraphQLSchema, query: string): { prepared?: Prepared; errors: BulkUserError[] } {
  const bad = (message: string): { errors: BulkUserError[] } => ({ errors: [{ field: ["query"], message, code: "INVALID" }] });
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    return bad(`Invalid bulk query: ${(e as Error).message}`);
  }
  const errs = validate(schema, doc, specifiedRules);
  if (errs.length) return bad(`Invalid bulk query: ${errs.map((e) => e.message).join("; ")}`);
  const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0]!.kind !== Kind.OPERATION_DEFINITION) return bad("Bulk queries must contain exactly one operation.");
  const op = ops[0]!;
  if (op.operation !== "query") return bad("Bulk queries must be query operations; use bulkOperationRunMutation for mutations.");
  if (op.variableDefinitions?.length) return bad("Bulk queries cannot use variables.");
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const roots = collectFields(op.selectionSet, fragments).filter((f) => f.name.value !== "__typename");
  if (roots.length !== 1) return bad("Bulk queries must have exactly one top-level field, and it must be a connection.");
  const stats = { connections: 0, maxDepth: 0 };
  let plan: NodePlan;
  try {
    plan = planNode(schema, op.selectionSet, schema.getQueryType()!, fragments, 0, stats);
  } catch (e) {
    if (e instanceof PlanError) return bad(e.message);
    throw e;
  }
  if (stats.connections === 0) return bad("Bulk queries must contain at least one connection.");
  if (stats.connections > MAX_BULK_CONNECTIONS) return bad(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections.`);
  if (stats.maxDepth > MAX_BULK_DEPTH) return bad(`Bulk queries cannot contain connections with a nesting depth greater than ${MAX_BULK_DEPTH}.`);
  const rootPlan = plan.connections.find((c) => c.path.length === 1);
  if (!rootPlan) return bad("The top-level field of a bulk query must be a connection.");
  const idErr = checkParentIds(plan);
  if (idErr) return bad(idErr);
  return { prepared: { doc, rootKey: rootPlan.path[0]!, rootPlan }, errors: [] };
}

// Cancellation flips the status from another request while a run awaits.
const isCanceling = (op: BulkOperationRecord) => (op.status as string) === "CANCELING";

function getPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

/** Copy of `node` without the connection subtrees (they become their own lines). */
function stripConnections(node: Record<string, unknown>, plan: NodePlan): Record<string, unknown> {
  if (plan.connections.length === 0) return node;
  if (plan.connections.every((c) => c.path.length === 1)) {
    // Common case: rebuild without the keys rather than `delete` (keeps objects in fast mode).
    const skip = plan.connections.map((c) => c.path[0]!);
    const out: Record<string, unknown> = {};
    for (const k in node) if (!skip.includes(k)) out[k] = node[k];
    return out;
  }
  const out: Record<string, unknown> = { ...node };
  for (const c of plan.connections) {
    let cur: Record<string, unknown> = out;
    for (let i = 0; i < c.path.length - 1; i++) {
      const k = c.path[i]!;
      const next = cur[k];
      if (!next || typeof next !== "object") {
        cur = {};
        break;
      }
      cur[k] = { ...(next as Record<string, unknown>) };
      cur = cur[k] as Record<string, unknown>;
    }
    delete cur[c.path[c.path.length - 1]!];
  }
  return out;
}

function itemsOf(conn: unknown, via: ConnPlan["via"]): Array<Record<string, unknown>> {
  if (!conn || typeof conn !== "object") return [];
  const c = conn as Record<string, unknown>;
  if (via.kind === "nodes") return ((c[via.nodesKey] as Array<Record<string, unknown>>) ?? []).filter(Boolean);
  return ((c[via.edgesKey] as Array<Record<string, unknown>>) ?? []).map((e) => e?.[via.nodeKey] as Record<string, unknown>).filter(Boolean);
}

export interface BulkRunnerDeps {
  schema: GraphQLSchema;
  store: SimStore;
  apiKey: string;
  appId: string;
  dataDir: string;
  baseUrl: () => string;
  webhooks: WebhookSender;
  fieldResolver: GraphQLFieldResolver<unknown, ExecContext>;
  services: () => SimServices;
}

export class BulkRunner {
  delayMs = 0;
  private faults: BulkFault[] = [];
  private running = new Set<Promise<void>>();

  constructor(private deps: BulkRunnerDeps) {}

  failNext(fault: BulkFault): void {
    if (!["ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"].includes(fault.errorCode)) {
      throw new Error(`Unknown bulk errorCode ${String(fault.errorCode)}`);
    }
    this.faults.push(fault);
  }

  reset(): void {
    this.faults = [];
    this.delayMs = 0;
  }

  start(shop: ShopState, query: string): { op?: BulkOperationRecord; userErrors: BulkUserError[] } {
    const { prepared, errors } = prepareBulkQuery(this.deps.schema, query);
    if (!prepared) return { userErrors: errors };
    const active = [...shop.bulkOperations.values()].filter((b) => b.type === "QUERY" && (b.status === "CREATED" || b.status === "RUNNING"));
    if (active.length >= MAX_CONCURRENT_BULK_QUERIES) {
      return {
        userErrors: [{ field: null, message: `A maximum of ${MAX_CONCURRENT_BULK_QUERIES} bulk query operations can run at the same time.`, code: "LIMIT_REACHED" }],
      };
    }
    const id = this.deps.store.newId();
    const op: BulkOperationRecord = {
      id,
      status: "CREATED",
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      query,
      type: "QUERY",
      createdAt: this.deps.store.nowIso(),
      completedAt: null,
      fileName: `bulk-${shop.shop.domain.replace(/\W/g, "_")}-${id}.jsonl`,
    };
    shop.bulkOperations.set(id, op);
    const fault = this.faults.shift();
    const p = this.run(shop, op, prepared, fault).catch(async (e: Error) => {
      op.errorCode = "INTERNAL_SERVER_ERROR";
      op.simError = e.message;
      op.url = null;
      await this.finish(shop, op, "FAILED");
    });
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return { op, userErrors: [] };
  }

  cancel(shop: ShopState, id: string): BulkOperationRecord | undefined {
    const op = shop.bulkOperations.get(id);
    if (op && (op.status === "CREATED" || op.status === "RUNNING")) op.status = "CANCELING";
    return op;
  }

  /** Resolves when every bulk operation in flight has finished. */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  filePath(fileName: string): string {
    return join(this.deps.dataDir, fileName);
  }

  private async run(shop: ShopState, op: BulkOperationRecord, prep: Prepared, fault: BulkFault | undefined): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    if (op.status === "CANCELING") return this.finish(shop, op, "CANCELED");
    op.status = "RUNNING";
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));

    const path = this.filePath(op.fileName);
    const out = createWriteStream(path);
    let bytes = 0;
    // Lines are batched into ~64 KB writes; memory stays bounded by one batch
    // plus the stream's buffer because we wait for 'drain'.
    let batch = "";
    const flush = async () => {
      if (!batch) return;
      const chunk = batch;
      batch = "";
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    };
    const write = async (obj: unknown) => {
      const line = `${JSON.stringify(obj)}\n`;
      bytes += Buffer.byteLength(line);
      batch += line;
      if (batch.length >= 65_536) await flush();
    };
    const window: BulkWindow = { afterIndex: 0, size: WINDOW, hasMore: true };
    let failed = false;
    try {
      while (window.hasMore) {
        if (isCanceling(op)) break;
        const ctx: ExecContext = {
          store: this.deps.store,
          shop,
          apiKey: this.deps.apiKey,
          appId: this.deps.appId,
          now: this.deps.store.clock(),
          services: this.deps.services(),
          unimplemented: new Set(),
          bulk: window,
        };
        window.hasMore = false;
        const result = await execute({
          schema: this.deps.schema,
          document: prep.doc,
          rootValue: queryRoot,
          contextValue: ctx,
          fieldResolver: this.deps.fieldResolver,
          typeResolver: (v: unknown) => (v as { __typename?: string } | null)?.__typename,
        });
        if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
        const roots = itemsOf(getPath(result.data, [prep.rootKey]), prep.rootPlan.via);
        for (const node of roots) {
          op.rootObjectCount++;
          await this.emit(node, prep.rootPlan.child, undefined, write, op);
          if (fault?.afterObjects !== undefined && op.objectCount >= fault.afterObjects) {
            failed = true;
            break;
          }
        }
        if (failed) break;
        window.afterIndex += WINDOW;
        await new Promise<void>((r) => setImmediate(r));
      }
      await flush();
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (isCanceling(op)) {
      await unlink(path).catch(() => undefined);
      return this.finish(shop, op, "CANCELED");
    }
    const url = `${this.deps.baseUrl()}/_sim/bulk/${op.fileName}`;
    if (fault) {
      op.errorCode = fault.errorCode;
      if (op.objectCount > 0 && fault.afterObjects !== undefined) op.partialDataUrl = url;
      else await unlink(path).catch(() => undefined);
      return this.finish(shop, op, "FAILED");
    }
    // Shopify answers url: null when a bulk query matched nothing.
    if (op.objectCount === 0) await unlink(path).catch(() => undefined);
    else {
      op.url = url;
      op.fileSize = bytes;
    }
    return this.finish(shop, op, "COMPLETED");
  }

  private async emit(
    node: Record<string, unknown>,
    plan: NodePlan,
    parentId: string | undefined,
    write: (o: unknown) => Promise<void>,
    op: BulkOperationRecord,
  ): Promise<void> {
    const line = stripConnections(node, plan);
    if (parentId !== undefined) line.__parentId = parentId;
    await write(line);
    op.objectCount++;
    for (const c of plan.connections) {
      for (const child of itemsOf(getPath(node, c.path), c.via)) await this.emit(child, c.child, node.id as string, write, op);
    }
  }

  private async finish(shop: ShopState, op: BulkOperationRecord, status: "COMPLETED" | "FAILED" | "CANCELED"): Promise<void> {
    op.status = status;
    op.completedAt = this.deps.store.nowIso();
    await this.deps.webhooks.send(shop, "bulk_operations/finish", {
      admin_graphql_api_id: toGid("BulkOperation", op.id),
      completed_at: op.completedAt,
      created_at: op.createdAt,
      error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
      status: status.toLowerCase(),
      type: op.type.toLowerCase(),
    });
  }
}
