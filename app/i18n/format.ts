// The shared formatter (app/lib/format.ts) bound to the admin's language.
import { useMemo } from "react";
import { createFormatter, formatNumber, type Formatter } from "~/lib/format";
import { useLocale, useT } from "./index";

/** Money in `currency`, dates in `timeZone` (the shop's), all in the admin's locale. */
export function useFormat(options: { currency?: string; timeZone?: string } = {}): Formatter {
  const locale = useLocale();
  const { currency, timeZone } = options;
  return useMemo(() => createFormatter({ locale, currency, timeZone }), [locale, currency, timeZone]);
}

/** "1 point" / "25 points" (and Arabic's six plural forms) from `loyalty.points.<category>`. */
export function usePoints(): (count: number) => string {
  const locale = useLocale();
  const t = useT();
  return useMemo(() => {
    const rules = new Intl.PluralRules(locale);
    return (count: number) => t(`loyalty.points.${rules.select(count)}`, { count: formatNumber(count, locale) });
  }, [locale, t]);
}
