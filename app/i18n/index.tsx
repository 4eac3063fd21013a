// Admin UI translations: English and Arabic (right-to-left). Polaris ships no
// Arabic strings, so ours live in polaris-ar.json (see docs/decisions).
import { createContext, useCallback, useContext, type ReactNode } from "react";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisAr from "./polaris-ar.json";

export const LOCALES = ["en", "ar"] as const;
export type Locale = (typeof LOCALES)[number];

export function resolveLocale(raw: string | null | undefined): Locale {
  const base = (raw ?? "").toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : "en";
}

export function isRtl(locale: Locale): boolean {
  return locale === "ar";
}

export function polarisTranslationsFor(locale: Locale): Record<string, unknown> {
  if (locale !== "ar") return polarisEn;
  return deepMerge(polarisEn as Record<string, unknown>, polarisAr as Record<string, unknown>);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === "object" && b && typeof b === "object" ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export type Messages = Record<string, string>;

export function translate(messages: Messages, key: string, params?: Record<string, string | number>): string {
  const template = messages[key] ?? key;
  return params ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)) : template;
}

const Ctx = createContext<{ locale: Locale; messages: Messages }>({ locale: "en", messages: {} });

export function TranslationProvider({ locale, messages, children }: { locale: Locale; messages: Messages; children: ReactNode }) {
  return <Ctx.Provider value={{ locale, messages }}>{children}</Ctx.Provider>;
}

export function useT() {
  const { messages } = useContext(Ctx);
  return useCallback((key: string, params?: Record<string, string | number>) => translate(messages, key, params), [messages]);
}

export function useLocale(): Locale {
  return useContext(Ctx).locale;
}
