// Just enough DOM to run the storefront widget in node against real rendered Liquid: our Liquid output is
// well-formed, so a tokenizer is enough. Unsupported selectors throw, so a widget change that needs more
// DOM fails loudly instead of passing by accident.

const VOID = new Set(["meta", "link", "br", "img", "input", "hr"]);
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", times: "×" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|times);/g, (_, e: string) => ENTITIES[e]);

type EventExtra = { key?: string; shiftKey?: boolean };
type Listener = (ev: EventExtra & { type: string; target: FakeElement; currentTarget: FakeElement; preventDefault(): void }) => void;

// Compound selectors the widget uses: `tag`, `[attr]`, `[attr="v"]`, `:not([...])`, in comma-separated lists.
function matches(el: FakeElement, selector: string): boolean {
  return selector.split(",").some((part) => {
    const m = /^([a-z]*)((?:\[[\w-]+(?:="[^"]*")?\])*)(?::not\((\[[\w-]+(?:="[^"]*")?\])\))?$/.exec(part.trim());
    if (!m) throw new Error(`fake DOM does not support selector ${part}`);
    const [, tag, attrs, not] = m;
    const hasAll = (list: string) =>
      [...list.matchAll(/\[([\w-]+)(?:="([^"]*)")?\]/g)].every(([, name, value]) => el.attrs.has(name) && (value === undefined || el.attrs.get(name) === value));
    if (tag && el.tagName !== tag) return false;
    if (!hasAll(attrs)) return false;
    if (not && (hasAll(not) || (not === "[disabled]" && el.disabled))) return false;
    return true;
  });
}

export class FakeElement {
  readonly attrs = new Map<string, string>();
  children: Array<FakeElement | string> = [];
  parent: FakeElement | null = null;
  readonly listeners = new Map<string, Listener[]>();
  readonly style: Record<string, string> = {};
  disabled = false;

  constructor(
    readonly tagName: string,
    readonly doc: FakeDocument,
  ) {}

  setAttribute(k: string, v: string): void {
    this.attrs.set(k, String(v));
    if (k === "disabled") this.disabled = true;
  }
  getAttribute(k: string): string | null {
    return this.attrs.get(k) ?? null;
  }
  hasAttribute(k: string): boolean {
    return this.attrs.has(k);
  }
  removeAttribute(k: string): void {
    this.attrs.delete(k);
  }
  get textContent(): string {
    return this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }
  set textContent(v: string) {
    this.children = v === "" ? [] : [String(v)];
  }
  get lang(): string {
    return this.attrs.get("lang") ?? "";
  }
  get firstElementChild(): FakeElement | null {
    return (this.children.find((c) => typeof c !== "string") as FakeElement | undefined) ?? null;
  }
  append(...kids: Array<FakeElement | string>): void {
    for (const k of kids) {
      if (typeof k !== "string") k.parent = this;
      this.children.push(k);
    }
  }
  replaceChildren(...kids: Array<FakeElement | string>): void {
    this.children = [];
    this.append(...kids);
  }
  addEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  dispatch(type: string, extra: EventExtra = {}): void {
    for (const fn of this.listeners.get(type) ?? []) {
      fn({ type, target: this, currentTarget: this, ...extra, preventDefault() {} });
    }
  }
  click(): void {
    if (!this.disabled) this.dispatch("click");
  }
  focus(): void {
    this.doc.activeElement = this;
  }
  getClientRects(): object[] {
    return [{}];
  }
  // <dialog> behaviour: modal open, and close() firing the close event.
  showModal(): void {
    if (this.tagName !== "dialog") throw new Error("showModal on a non-dialog");
    this.setAttribute("open", "");
  }
  close(): void {
    if (this.tagName !== "dialog") throw new Error("close on a non-dialog");
    this.removeAttribute("open");
    this.dispatch("close");
  }
  *descendants(): Generator<FakeElement> {
    for (const c of this.children) {
      if (typeof c === "string") continue;
      yield c;
      yield* c.descendants();
    }
  }
  querySelectorAll(selector: string): FakeElement[] {
    return [...this.descendants()].filter((el) => matches(el, selector));
  }
  querySelector(selector: string): FakeElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

export class FakeDocument {
  readonly documentElement: FakeElement;
  readonly body: FakeElement;
  readyState = "complete";
  activeElement: FakeElement | null = null;

  constructor(html: string) {
    this.documentElement = new FakeElement("html", this);
    this.body = this.documentElement;
    const stack: FakeElement[] = [this.documentElement];
    const re = /<!doctype[^>]*>|<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w-]*)((?:\s+[^\s=>"']+(?:="[^"]*")?)*)\s*\/?>|([^<]+)/gi;
    for (const m of html.matchAll(re)) {
      const [, closing, tag, attrs, text] = m;
      const top = stack[stack.length - 1];
      if (text !== undefined) {
        top.append(decode(text));
      } else if (tag && closing) {
        const name = tag.toLowerCase();
        while (stack.length > 1 && stack.pop()?.tagName !== name);
      } else if (tag) {
        const name = tag.toLowerCase();
        const el = name === "html" ? this.documentElement : new FakeElement(name, this);
        for (const a of (attrs ?? "").matchAll(/([^\s=>"']+)(?:="([^"]*)")?/g)) el.setAttribute(a[1], decode(a[2] ?? ""));
        if (name !== "html") top.append(el);
        if (!VOID.has(name) && name !== "html") stack.push(el);
      }
    }
  }

  get lang(): string {
    return this.documentElement.getAttribute("lang") ?? "";
  }
  createElement(tag: string): FakeElement {
    return new FakeElement(tag, this);
  }
  querySelectorAll(selector: string): FakeElement[] {
    return this.documentElement.querySelectorAll(selector);
  }
  querySelector(selector: string): FakeElement | null {
    return this.documentElement.querySelector(selector);
  }
  addEventListener(): void {}
}
