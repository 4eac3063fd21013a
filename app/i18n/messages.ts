import en from "./en.json";
import ar from "./ar.json";
import type { Locale, Messages } from "./index";

const catalogs: Record<Locale, Messages> = { en, ar };

/** Arabic falls back to English for any key not yet translated. */
export function adminMessages(locale: Locale): Messages {
  return locale === "en" ? en : { ...en, ...catalogs[locale] };
}
