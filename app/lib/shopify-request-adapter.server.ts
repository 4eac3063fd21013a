// The request conversion @shopify/shopify-api runs at the start of every
// authenticate.* call (its runtime adapter hook, setAbstractConvertRequestFunc),
// giving the same NormalizedRequest as the Web API adapter's
// webApiConvertRequest: every header under its canonical name ("X-Shopify-Topic")
// with its values in a list, the method, the URL re-serialized.
//
// Why not the library's own: it adds each header with addHeader, which
// re-canonicalizes every header already added (a regular expression with a
// callback per name), so one conversion costs the square of the header count,
// and authenticate.webhook converts each delivery twice. That was ~10% of the
// web process's CPU per webhook delivery (docs/decisions/016-request-conversion-adapter.md).
// Here each name is canonicalized once (and the library's canonicalizeHeaderName
// remembers names since ADR 017's patch).
import { canonicalizeHeaderName, setAbstractConvertRequestFunc, type AdapterArgs, type NormalizedRequest } from "@shopify/shopify-api/runtime";

/** What webApiConvertRequest returns for the same request, computed once per header. */
export async function convertRequest(adapterArgs: AdapterArgs): Promise<NormalizedRequest> {
  const request = adapterArgs.rawRequest as Request;
  const headers: Record<string, string[]> = {};
  for (const [name, value] of request.headers.entries()) {
    const canonical = canonicalizeHeaderName(name);
    const list = headers[canonical];
    if (list === undefined) headers[canonical] = [value];
    else list.push(value);
  }
  return { headers, method: request.method ?? "GET", url: new URL(request.url).toString() };
}

let installed = false;

/** Installs convertRequest as the library's request conversion (once; shopify.server.ts calls it). */
export function installRequestAdapter(): void {
  if (installed) return;
  setAbstractConvertRequestFunc(convertRequest);
  installed = true;
}
