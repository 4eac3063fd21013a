// The Admin GraphQL endpoint: parse → validate against the real 2026-07 schema
// → coerce variables → cost & throttle → execute over the store → log.
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isNonNullType,
  Kind,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import type { ExecContext, SimServices } from "./context";
import { actualCost, LeakyBucket, requestedCost, SINGLE_QUERY_MAX_COST, type CostInput, type ThrottleConfig, type ThrottleStatus } from "./cost";
import { mutationRoot } from "./mutations";
import { queryRoot } from "./queries";
import type { ShopState, SimStore } from "./store";

export type FaultKind = "userError" | "http500" | "http503" | "http429" | "networkDrop";

export interface FaultSpec {
  /** Match by operation name... */
  operationName?: string;
  /** ...or by a root field (e.g. "discountCodeBasicCreate"); neither matches every request. */
  field?: string;
  count?: number;
  kind: FaultKind;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  shop: string;
  apiVersion: string;
  operationName: string | null;
  operationType: "query" | "mutation" | "subscription" | null;
  rootFields: string[];
  query: string;
  variables: Record<string, unknown> | null;
  /** Passed parse, validation and variable coercion. */
  valid: boolean;
  errors: Array<{ message: string; code: string }>;
  /** Deprecated fields/arguments/enum values used (NoDeprecatedCustomRule). */
  deprecations: string[];
  /** Fields the document read that the simulator does not model (answered null). */
  unimplementedFields: string[];
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttled: boolean;
  fault: FaultKind | null;
  httpStatus: number;
  durationMs: number;
}

export interface GraphQLHttpResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** When set, the server must destroy the socket instead of answering. */
  drop?: boolean;
}

const RULE_CODES = new Map<ValidationRule, string>();
for (const rule of specifiedRules) {
  const code: Record<string, string> = {
    FieldsOnCorrectTypeRule: "undefinedField",
    KnownArgumentNamesRule: "argumentNotAccepted",
    ProvidedRequiredArgumentsRule: "missingRequiredArguments",
    KnownTypeNamesRule: "undefinedType",
    ScalarLeafsRule: "selectionMismatch",
    VariablesInAllowedPositionRule: "variableMismatch",
    NoUndefinedVariablesRule: "variableNotDefined",
    NoUnusedVariablesRule: "variableNotUsed",
    ValuesOfCorrectTypeRule: "argumentLiteralsIncompatible",
    KnownFragmentNamesRule: "undefinedFragment",
    NoUnusedFragmentsRule: "useAndDefineFragment",
    PossibleFragmentSpreadsRule: "fragmentSpreadTypeMismatch",
    VariablesAreInputTypesRule: "variableRequiresValidType",
    KnownDirectivesRule: "undefinedDirective",
    UniqueArgumentNamesRule: "argumentNotUnique",
    OverlappingFieldsCanBeMergedRule: "fieldConflict",
  };
  RULE_CODES.set(rule, code[rule.name] ?? "GRAPHQL_VALIDATION_FAILED");
}

export const fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
  if (source === null || typeof source !== "object") return null;
  const obj = source as Record<string, unknown>;
  const name = info.fieldName;
  if (!(name in obj)) {
    const label = `${info.parentType.name}.${name}`;
    ctx.unimplemented.add(label);
    // Root fields always fail loudly: a silent null payload would look like success.
    if (isNonNullType(info.returnType) || info.path.prev === undefined) {
      throw new GraphQLError(`shopify-sim does not implement ${label}`, { extensions: { code: "SIM_NOT_IMPLEMENTED" } });
    }
    return null;
  }
  const v = obj[name];
  return typeof v === "function" ? (v as (...a: unknown[]) => unknown).call(obj, args, ctx, info) : v;
};

export const typeResolver = (value: unknown) => (value as { __typename?: string } | null)?.__typename;

function errorsWithCode(errors: readonly GraphQLError[], code: (e: GraphQLError) => string): GraphQLFormattedError[] {
  return errors.map((e) => {
    const f = e.toJSON();
    return { ...f, extensions: { ...(f.extensions ?? {}), code: (f.extensions?.code as string | undefined) ?? code(e) } };
  });
}

export interface EndpointDeps {
  schema: GraphQLSchema;
  store: SimStore;
  apiKey: string;
  appId: string;
  services: SimServices;
  throttle: ThrottleConfig;
}

export class GraphQLEndpoint {
  readonly requests: RequestLogEntry[] = [];
  readonly maxLogEntries = 20_000;
  private seq = 0;
  private faults: Array<Required<Pick<FaultSpec, "count" | "kind">> & FaultSpec> = [];
  private buckets = new Map<string, LeakyBucket>();

  constructor(private deps: EndpointDeps) {}

  failNext(spec: FaultSpec): void {
    if (!["userError", "http500", "http503", "http429", "networkDrop"].includes(spec.kind)) {
      throw new GraphQLError(`Unknown fault kind ${String(spec.kind)}`);
    }
    this.faults.push({ ...spec, count: spec.count ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  bucket(shop: string): LeakyBucket {
    let b = this.buckets.get(shop);
    if (!b) this.buckets.set(shop, (b = new LeakyBucket({ ...this.deps.throttle }, this.deps.store.clock())));
    return b;
  }

  setThrottle(shop: string, state: Partial<ThrottleStatus>): ThrottleStatus {
    const b = this.bucket(shop);
    b.set(state, this.deps.store.clock());
    return b.status(this.deps.store.clock());
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  resetState(): void {
    this.clearLog();
    this.faults = [];
    this.buckets.clear();
  }

  private takeFault(opName: string | null, rootFields: string[]): FaultKind | null {
    const i = this.faults.findIndex(
      (f) =>
        (f.operationName === undefined && f.field === undefined) ||
        (f.operationName !== undefined && f.operationName === opName) ||
        (f.field !== undefined && rootFields.includes(f.field)),
    );
    if (i < 0) return null;
    const f = this.faults[i]!;
    if (--f.count <= 0) this.faults.splice(i, 1);
    return f.kind;
  }

  /** Parse + validation results per document text; apps repeat the same few documents. */
  private analysis = new Map<string, { doc?: DocumentNode; parseError?: GraphQLFormattedError[]; errors: GraphQLFormattedError[]; deprecations: string[] }>();

  private analyse(query: string) {
    const hit = this.analysis.get(query);
    if (hit) return hit;
    let result: { doc?: DocumentNode; parseError?: GraphQLFormattedError[]; errors: GraphQLFormattedError[]; deprecations: string[] };
    try {
      const doc = parse(query);
      const schema = this.deps.schema;
      const validationErrors = validate(schema, doc, specifiedRules, { maxErrors: 50 });
      let errors: GraphQLFormattedError[] = [];
      if (validationErrors.length) {
        // Classify each error by re-running single rules (cheap: documents are small).
        const codeOf = new Map<string, string>();
        for (const rule of specifiedRules) {
          for (const e of validate(schema, doc, [rule])) codeOf.set(e.message, RULE_CODES.get(rule)!);
        }
        errors = errorsWithCode(validationErrors, (e) => codeOf.get(e.message) ?? "GRAPHQL_VALIDATION_FAILED");
      }
      result = { doc, errors, deprecations: validate(schema, doc, [NoDeprecatedCustomRule]).map((e) => e.message) };
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      result = { parseError: errorsWithCode([e], () => "PARSE_ERROR"), errors: [], deprecations: [] };
    }
    if (this.analysis.size >= 1000) this.analysis.delete(this.analysis.keys().next().value!);
    this.analysis.set(query, result);
    return result;
  }

  async handle(shop: ShopState, apiVersion: string, body: unknown): Promise<GraphQLHttpResult> {
    const started = performance.now();
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      at: this.deps.store.nowIso(),
      shop: shop.shop.domain,
      apiVersion,
      operationName: null,
      operationType: null,
      rootFields: [],
      query: "",
      variables: null,
      valid: false,
      errors: [],
      deprecations: [],
      unimplementedFields: [],
      requestedQueryCost: null,
      actualQueryCost: null,
      throttled: false,
      fault: null,
      httpStatus: 200,
      durationMs: 0,
    };
    const finish = (res: GraphQLHttpResult): GraphQLHttpResult => {
      entry.httpStatus = res.drop ? 0 : res.status;
      // Shopify flags deprecated usage in a header; the library logs it.
      if (entry.deprecations.length) res.headers = { ...res.headers, "X-Shopify-API-Deprecated-Reason": "https://shopify.dev/api/usage/versioning#deprecation-practices" };
      entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
      this.requests.push(entry);
      if (this.requests.length > this.maxLogEntries) this.requests.splice(0, this.requests.length - this.maxLogEntries);
      return res;
    };
    const gqlErrors = (errors: GraphQLFormattedError[], extra: Record<string, unknown> = {}): GraphQLHttpResult => {
      entry.errors = errors.map((e) => ({ message: e.message, code: String(e.extensions?.code ?? "") }));
      return finish({ status: 200, body: { errors, ...extra } });
    };

    const b = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof b.query !== "string" || !b.query.trim()) {
      entry.errors = [{ message: "No query string was present", code: "BAD_REQUEST" }];
      return finish({ status: 400, body: { errors: { query: "Required parameter missing or invalid" } } });
    }
    entry.query = b.query;
    const variables = b.variables == null ? {} : b.variables;
    if (typeof variables !== "object" || Array.isArray(variables)) {
      return gqlErrors([{ message: "Variables must be a JSON object", extensions: { code: "BAD_REQUEST" } }]);
    }
    entry.variables = variables as Record<string, unknown>;
    const operationName = typeof b.operationName === "string" ? b.operationName : null;

    const analysed = this.analyse(b.query);
    if (analysed.parseError) return gqlErrors(analysed.parseError);
    const doc = analysed.doc!;
    const op = getOperationAST(doc, operationName);
    if (op) {
      entry.operationName = op.name?.value ?? null;
      entry.operationType = op.operation;
      entry.rootFields = op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
    }
    const schema = this.deps.schema;
    entry.deprecations = analysed.deprecations;
    if (analysed.errors.length) return gqlErrors(analysed.errors);
    if (!op) {
      const message = operationName ? `No operation named "${operationName}"` : "An operation name is required when the document has several operations";
      return gqlErrors([{ message, extensions: { code: "OPERATION_NOT_FOUND" } }]);
    }
    if (op.operation === "subscription") {
      return gqlErrors([{ message: "Subscriptions are not supported over HTTP", extensions: { code: "BAD_REQUEST" } }]);
    }
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables as Record<string, unknown>, { maxErrors: 50 });
    if (coerced.errors) {
      return gqlErrors(errorsWithCode(coerced.errors, () => "INVALID_VARIABLE"));
    }
    entry.valid = true;

    const fault = this.takeFault(entry.operationName, entry.rootFields);
    entry.fault = fault;
    if (fault === "networkDrop") return finish({ status: 0, body: null, drop: true });
    if (fault === "http500") return finish({ status: 500, body: { errors: "Internal Server Error" } });
    // 429/503 carry Retry-After; @shopify/graphql-client retries these statuses itself.
    if (fault === "http503") return finish({ status: 503, body: { errors: "Service Unavailable" }, headers: { "Retry-After": "1" } });
    if (fault === "http429") return finish({ status: 429, body: { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, headers: { "Retry-After": "1" } });

    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const costInput: CostInput = { schema, operation: op, fragments, variables: coerced.coerced };
    const requested = requestedCost(costInput);
    entry.requestedQueryCost = requested;
    const bucket = this.bucket(shop.shop.domain);
    const now = this.deps.store.clock();
    if (requested > SINGLE_QUERY_MAX_COST) {
      return gqlErrors(
        [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}). To query larger amounts of data with fewer limits, bulk operations should be used instead.`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: SINGLE_QUERY_MAX_COST },
          },
        ],
        { extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status(now) } } },
      );
    }
    if (!bucket.take(requested, now)) {
      entry.throttled = true;
      return gqlErrors(
        [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        { extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status(now) } } },
      );
    }

    const ctx: ExecContext = {
      store: this.deps.store,
      shop,
      apiKey: this.deps.apiKey,
      appId: this.deps.appId,
      now,
      services: this.deps.services,
      unimplemented: new Set(),
    };
    if (fault === "userError") {
      if (op.operation === "mutation") ctx.injectUserError = true;
      else {
        return gqlErrors([{ message: "Internal error. Looks like something went wrong on our end.", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
      }
    }
    const result = await execute({
      schema,
      document: doc,
      rootValue: op.operation === "mutation" ? mutationRoot : queryRoot,
      contextValue: ctx,
      variableValues: variables as Record<string, unknown>,
      operationName: operationName ?? undefined,
      fieldResolver,
      typeResolver,
    });
    entry.unimplementedFields = [...ctx.unimplemented].sort();
    const actual = actualCost(costInput, result.data as Record<string, unknown> | null);
    entry.actualQueryCost = actual;
    bucket.refund(requested - actual, this.deps.store.clock());
    const out: Record<string, unknown> = {};
    if (result.errors?.length) {
      const errs = errorsWithCode(result.errors, (e) => (e.originalError && !(e.originalError instanceof GraphQLError) ? "INTERNAL_SERVER_ERROR" : "BAD_USER_INPUT"));
      out.errors = errs;
      entry.errors = errs.map((e) => ({ message: e.message, code: String(e.extensions?.code ?? "") }));
    }
    out.data = result.data ?? null;
    out.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status(this.deps.store.clock()) } };
    return finish({ status: 200, body: out });
  }
}
