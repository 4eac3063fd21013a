// The shared admin formatter: money from minor units with each currency's own
// exponent (ISO 4217: JPY 0, USD/EUR 2, KWD 3), dates in the shop's time zone,
// English and Arabic. Arabic strings are compared after mapping Arabic-Indic
// digits and separators to ASCII and dropping bidi marks, because whether "ar"
// defaults to Latin or Arabic-Indic digits depends on the ICU/CLDR version.
import { describe, expect, it } from "vitest";
import {
  createFormatter,
  currencyDigits,
  dayInTimeZone,
  formatChange,
  formatDate,
  formatDateTime,
  formatDay,
  formatMoney,
  formatMonth,
  formatNumber,
  formatPercent,
  formatSignedNumber,
  minorToMajor,
} from "~/lib/format";

/** Arabic-Indic digits and separators → ASCII; bidi control marks removed. */
function plain(s: string): string {
  return s
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/\u066B/g, ".")
    .replace(/\u066C/g, ",")
    .replace(/[\u200E\u200F\u061C]/g, "")
    .replace(/\u00A0|\u202F/g, " ");
}

describe("currencyDigits (ISO 4217 minor units from Intl)", () => {
  it("is 2 for USD and EUR, 0 for JPY, 3 for KWD, and 2 for an unknown code", () => {
    expect(currencyDigits("USD")).toBe(2);
    expect(currencyDigits("EUR")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(currencyDigits("nope")).toBe(2);
  });

  it("minorToMajor divides by 10^digits of the currency", () => {
    expect(minorToMajor(1999, "USD")).toBe(19.99);
    expect(minorToMajor(1999, "JPY")).toBe(1999);
    expect(minorToMajor(1999, "KWD")).toBe(1.999);
  });
});

describe("formatMoney in English", () => {
  it("USD 123456 minor is $1,234.56", () => expect(formatMoney(123456, "USD", "en")).toBe("$1,234.56"));
  it("EUR 123456 minor is €1,234.56", () => expect(formatMoney(123456, "EUR", "en")).toBe("€1,234.56"));
  it("JPY minor units are yen (no decimals)", () => expect(formatMoney(123456, "JPY", "en")).toBe("¥123,456"));
  it("KWD minor units are fils (three decimals)", () => expect(plain(formatMoney(1234567, "KWD", "en"))).toBe("KWD 1,234.567"));
  it("always shows every minor digit, even for a whole amount", () => expect(formatMoney(500, "USD", "en")).toBe("$5.00"));
  it("compact drops trailing zeros and abbreviates", () => {
    expect(formatMoney(123456, "USD", "en", { compact: true })).toBe("$1.2K");
    expect(formatMoney(500, "USD", "en", { compact: true })).toBe("$5");
  });
  it("signed shows + and - for differences", () => {
    expect(formatMoney(250, "USD", "en", { signed: true })).toBe("+$2.50");
    expect(formatMoney(-250, "USD", "en", { signed: true })).toBe("-$2.50");
  });
  it("missing or non-finite amounts are an em dash, never NaN", () => {
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatMoney(v, "USD", "en")).toBe("—");
  });
  it("an unknown currency code still prints the number", () => expect(plain(formatMoney(1234567, "XYZ", "en"))).toContain("12,345.67"));
});

describe("formatMoney in Arabic", () => {
  it("USD keeps two decimals and names the dollar", () => {
    const s = plain(formatMoney(123456, "USD", "ar"));
    expect(s).toContain("1,234.56");
    expect(s).toContain("US$");
  });
  it("EUR keeps two decimals with the euro sign", () => {
    const s = plain(formatMoney(123456, "EUR", "ar"));
    expect(s).toContain("1,234.56");
    expect(s).toContain("€");
  });
  it("JPY has no decimals", () => {
    const s = plain(formatMoney(123456, "JPY", "ar"));
    expect(s).toContain("123,456");
    expect(s).not.toMatch(/123,456\.\d/);
  });
  it("KWD has three decimals and the Arabic dinar symbol", () => {
    const s = plain(formatMoney(1234567, "KWD", "ar"));
    expect(s).toContain("1,234.567");
    expect(s).toContain("د.ك");
  });
  it("differs from the English rendering (the locale is really applied)", () => {
    expect(formatMoney(123456, "USD", "ar")).not.toBe(formatMoney(123456, "USD", "en"));
  });
});

describe("numbers and percentages", () => {
  it("group thousands and honour fraction digits", () => {
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(formatNumber(2.5, "en", 2)).toBe("2.50");
    expect(plain(formatNumber(1234567, "ar"))).toBe("1,234,567");
  });
  it("percent of a ratio, with sign for changes", () => {
    expect(formatPercent(0.125, "en")).toBe("12.5%");
    expect(plain(formatPercent(0.125, "ar"))).toBe("12.5%");
    expect(formatChange(0.05, "en")).toBe("+5%");
    expect(formatChange(null, "en")).toBeNull();
    expect(formatSignedNumber(25, "en")).toBe("+25");
    expect(formatSignedNumber(-3, "en")).toBe("-3");
    expect(formatSignedNumber(0, "en")).toBe("0");
  });
});

describe("dates in the shop's time zone", () => {
  const instant = "2026-03-01T03:30:00Z";
  it("the same instant is Feb 28 in New York and Mar 1 in Tokyo", () => {
    expect(formatDate(instant, "America/New_York", "en")).toBe("Feb 28, 2026");
    expect(formatDate(instant, "Asia/Tokyo", "en")).toBe("Mar 1, 2026");
  });
  it("Arabic names the month in Arabic", () => {
    expect(plain(formatDate(instant, "Asia/Tokyo", "ar"))).toBe("1 مارس 2026");
    expect(plain(formatMonth("2026-03", "ar"))).toBe("مارس 2026");
  });
  it("date-time carries the zone's clock time (Kuwait is UTC+3)", () => {
    expect(plain(formatDateTime(instant, "Asia/Kuwait", "en"))).toBe("Mar 1, 2026, 6:30 AM");
  });
  it("a calendar day key is not shifted by any zone", () => {
    expect(formatDay("2026-03-05", "en")).toBe("Mar 5, 2026");
    expect(formatDay("2026-03-05", "en", { short: true })).toBe("Mar 5");
    expect(formatMonth("2026-03", "en")).toBe("Mar 2026");
  });
  it("a bad zone falls back to UTC and a bad date to an em dash", () => {
    expect(formatDate(instant, "Not/AZone", "en")).toBe("Mar 1, 2026");
    expect(formatDate("not a date", "UTC", "en")).toBe("—");
    expect(formatDate(null, "UTC", "en")).toBe("—");
    expect(formatDay(null, "en")).toBe("—");
  });
  it("dayInTimeZone gives the shop's today for date inputs", () => {
    expect(dayInTimeZone(new Date(instant), "America/New_York")).toBe("2026-02-28");
    expect(dayInTimeZone(new Date(instant), "Asia/Tokyo")).toBe("2026-03-01");
  });
});

describe("createFormatter (one page's locale, currency and zone; chart axes and tooltips)", () => {
  it("binds currency, zone and locale", () => {
    const f = createFormatter({ locale: "en", currency: "JPY", timeZone: "Asia/Tokyo" });
    expect(f.money(5000)).toBe("¥5,000");
    expect(f.date("2026-03-01T03:30:00Z")).toBe("Mar 1, 2026");
    expect(f.percent(0.5, 0)).toBe("50%");
  });
  it("chart formatters accept polaris-viz's string | number | null and give the table's money", () => {
    const f = createFormatter({ locale: "en", currency: "USD" });
    expect(f.chart.money(123456)).toBe(formatMoney(123456, "USD", "en"));
    expect(f.chart.money("123456")).toBe("$1,234.56");
    expect(f.chart.money(null)).toBe("—");
    expect(f.chart.moneyAxis(250000)).toBe("$2.5K");
    expect(f.chart.day("2026-03-05")).toBe("Mar 5");
    expect(f.chart.number(2.345)).toBe("2.35");
    expect(f.chart.number(12)).toBe("12");
  });
  it("KWD chart values keep three decimals in tooltips", () => {
    const f = createFormatter({ locale: "ar", currency: "KWD" });
    expect(plain(f.chart.money(1500))).toContain("1.500");
  });
});
