// Shopify's search syntax (`query:` argument of customers/orders/...):
// `updated_at:>'2024-01-01T00:00:00Z' AND -tag:vip OR (email:bob*)`.
// Terms are ANDed unless joined with OR; `-x` / `NOT x` negates.

export class SearchQueryError extends Error {
  constructor(
    readonly query: string,
    readonly reason: string,
  ) {
    super(`Invalid search query ${JSON.stringify(query)}: ${reason}`);
    this.name = "SearchQueryError";
  }
}

export type FieldKind = "date" | "number" | "id" | "string" | "tags" | "bool";

export interface SearchField<T> {
  kind: FieldKind;
  /** date → epoch ms; number/id → number|string; string → string; tags → string[]; bool → boolean. */
  get(record: T): unknown;
}

export interface SearchSpec<T> {
  fields: Record<string, SearchField<T>>;
  /** Free-text terms match against these strings (case-insensitive substring). */
  text(record: T): string[];
}

type Op = ":" | ">" | ">=" | "<" | "<=";
type Node =
  | { t: "and"; items: Node[] }
  | { t: "or"; items: Node[] }
  | { t: "not"; item: Node }
  | { t: "term"; field?: string; op: Op; value: string; quoted: boolean };

interface Token {
  kind: "word" | "lparen" | "rparen";
  text: string;
  quoted: boolean;
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      out.push({ kind: c === "(" ? "lparen" : "rparen", text: c, quoted: false });
      i++;
      continue;
    }
    // A word runs to whitespace/paren, but quoted sections may contain both.
    let text = "";
    let quoted = false;
    while (i < q.length && !/\s/.test(q[i]!) && q[i] !== "(" && q[i] !== ")") {
      const ch = q[i]!;
      if (ch === "'" || ch === '"') {
        const end = q.indexOf(ch, i + 1);
        if (end < 0) throw new SearchQueryError(q, `unterminated quote at ${i}`);
        text += q.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      } else if (ch === "\\" && i + 1 < q.length) {
        text += q[i + 1];
        i += 2;
      } else {
        text += ch;
        i++;
      }
    }
    out.push({ kind: "word", text, quoted });
  }
  return out;
}

function parseTerm(tok: Token): Node {
  const m = tok.quoted && !/^[a-z_.]+:/i.test(tok.text) ? null : /^([a-z_.]+):(>=|<=|>|<)?(.*)$/i.exec(tok.text);
  if (!m) return { t: "term", op: ":", value: tok.text, quoted: tok.quoted };
  return { t: "term", field: m[1]!.toLowerCase(), op: (m[2] as Op | undefined) ?? ":", value: m[3]!, quoted: tok.quoted };
}

export function parseSearchQuery(query: string): Node {
  const toks = tokenize(query);
  let pos = 0;
  const peek = () => toks[pos];
  const parseOr = (): Node => {
    const items = [parseAnd()];
    while (peek()?.kind === "word" && peek()!.text === "OR" && !peek()!.quoted) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { t: "or", items };
  };
  const parseAnd = (): Node => {
    const items: Node[] = [];
    for (;;) {
      const tk = peek();
      if (!tk || tk.kind === "rparen") break;
      if (tk.kind === "word" && !tk.quoted && tk.text === "OR") break;
      if (tk.kind === "word" && !tk.quoted && tk.text === "AND") {
        pos++;
        continue;
      }
      items.push(parseUnary());
    }
    if (items.length === 0) throw new SearchQueryError(query, "expected a term");
    return items.length === 1 ? items[0]! : { t: "and", items };
  };
  const parseUnary = (): Node => {
    const tk = toks[pos++]!;
    if (tk.kind === "lparen") {
      const inner = parseOr();
      if (peek()?.kind !== "rparen") throw new SearchQueryError(query, "missing )");
      pos++;
      return inner;
    }
    if (tk.kind === "rparen") throw new SearchQueryError(query, "unexpected )");
    if (!tk.quoted && tk.text === "NOT") return { t: "not", item: parseUnary() };
    if (!tk.quoted && tk.text.startsWith("-") && tk.text.length > 1) {
      return { t: "not", item: parseTerm({ ...tk, text: tk.text.slice(1) }) };
    }
    return parseTerm(tk);
  };
  if (toks.length === 0) return { t: "and", items: [] };
  const node = parseOr();
  if (pos < toks.length) throw new SearchQueryError(query, `unexpected ${toks[pos]!.text}`);
  return node;
}

function parseDateValue(query: string, raw: string): { ms: number; dayOnly: boolean } {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const ms = Date.parse(dayOnly ? `${raw}T00:00:00Z` : raw);
  if (!Number.isFinite(ms)) throw new SearchQueryError(query, `${JSON.stringify(raw)} is not a date`);
  return { ms, dayOnly };
}

function cmp(op: Op, a: number, b: number): boolean {
  switch (op) {
    case ":":
      return a === b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}

const DAY = 86_400_000;

export interface CompiledSearch<T> {
  test(record: T): boolean;
  /** Filters the simulator ignored (Shopify ignores unknown filters too). */
  warnings: string[];
}

/** Compiles a search string into a predicate; throws SearchQueryError on bad syntax or values. */
export function compileSearchQuery<T>(query: string | null | undefined, spec: SearchSpec<T>): CompiledSearch<T> {
  const warnings: string[] = [];
  if (!query || !query.trim()) return { test: () => true, warnings };
  const root = parseSearchQuery(query);
  const build = (n: Node): ((r: T) => boolean) => {
    if (n.t === "and") {
      const fs = n.items.map(build);
      return (r) => fs.every((f) => f(r));
    }
    if (n.t === "or") {
      const fs = n.items.map(build);
      return (r) => fs.some((f) => f(r));
    }
    if (n.t === "not") {
      const f = build(n.item);
      return (r) => !f(r);
    }
    if (!n.field) {
      const needle = n.value.toLowerCase();
      return (r) => spec.text(r).some((s) => s.toLowerCase().includes(needle));
    }
    const field = spec.fields[n.field];
    if (!field) {
      warnings.push(`Unsupported search filter "${n.field}" was ignored`);
      return () => true;
    }
    const raw = n.value;
    if (raw === "*" && n.op === ":") {
      return (r) => {
        const v = field.get(r);
        return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);
      };
    }
    switch (field.kind) {
      case "date": {
        const { ms, dayOnly } = parseDateValue(query, raw);
        if (dayOnly && n.op === ":") {
          return (r) => {
            const v = field.get(r) as number | null;
            return v != null && v >= ms && v < ms + DAY;
          };
        }
        // `<= day` means through the end of that day; `> day` starts after it.
        const bound = dayOnly && (n.op === "<=" || n.op === ">") ? ms + DAY - 1 : ms;
        return (r) => {
          const v = field.get(r) as number | null;
          return v != null && cmp(n.op, v, bound);
        };
      }
      case "number":
      case "id": {
        const digits = field.kind === "id" && /^gid:/.test(raw) ? raw.replace(/^.*\//, "") : raw;
        const num = Number(digits);
        if (!Number.isFinite(num)) throw new SearchQueryError(query, `${JSON.stringify(raw)} is not a number`);
        if (field.kind === "id" && n.op === ":") return (r) => String(field.get(r)) === digits;
        return (r) => {
          const v = field.get(r);
          return v != null && cmp(n.op, Number(v), num);
        };
      }
      case "bool": {
        const want = raw.toLowerCase() === "true";
        return (r) => Boolean(field.get(r)) === want;
      }
      case "tags": {
        const want = raw.toLowerCase();
        return (r) => ((field.get(r) as string[]) ?? []).some((t) => t.toLowerCase() === want);
      }
      case "string": {
        const want = raw.toLowerCase();
        const prefix = want.endsWith("*") ? want.slice(0, -1) : undefined;
        return (r) => {
          const v = field.get(r);
          if (v == null) return false;
          const s = String(v).toLowerCase();
          return prefix !== undefined ? s.startsWith(prefix) : s === want;
        };
      }
    }
  };
  return { test: build(root), warnings };
}
