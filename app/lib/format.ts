// Locale-aware number and date formatting shared by admin pages. Dates arrive
// as Date or as the ISO strings loaders serialise them to.
const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(value: number, locale = "en"): string {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)));
  return f.format(value);
}

export function formatDateTime(value: Date | string | null | undefined, locale = "en", timeZone?: string): string {
  if (!value) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(d);
}

export function formatDate(value: Date | string | null | undefined, locale = "en", timeZone?: string): string {
  if (!value) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", ...(timeZone ? { timeZone } : {}) }).format(d);
}
