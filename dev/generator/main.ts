// CLI: npx tsx dev/generator/main.ts --size small --seed 42 --out shop.jsonl [--format events]
// Formats: events | bulk-orders | bulk-customers | orders | customers | truth.
// With --send <appUrl> --secret <s>, events are POSTed to the app instead of written.

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { GeneratorInputError } from "./errors";
import { createShop, writeBulkJsonl, type GeneratorOptions } from "./index";

const FORMATS = ["events", "bulk-orders", "bulk-customers", "orders", "customers", "truth"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: tsx dev/generator/main.ts --size tiny|small|medium|large|xlarge|<n> [--seed 42]
  [--start 2024-06-01] [--end 2026-11-01] [--shop retain-demo.myshopify.com]
  (--out file.jsonl [--format ${FORMATS.join("|")}]
   | --send http://localhost:3000 --secret <client secret> [--concurrency 8] [--duplicate-rate 0] [--shuffle-window 0])`;

async function writeLines(lines: Iterable<string>, path: string): Promise<number> {
  const out = createWriteStream(path, { encoding: "utf8" });
  let count = 0;
  let chunk = "";
  for (const line of lines) {
    chunk += line + "\n";
    count++;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.write(chunk);
  out.end();
  await once(out, "finish");
  return count;
}

function parseNumber(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new GeneratorInputError("INVALID_CLI_ARGUMENT", `--${what} must be a number, got ${value}`);
  return n;
}

export async function runCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: "string", default: "tiny" },
      seed: { type: "string", default: "42" },
      start: { type: "string" },
      end: { type: "string" },
      shop: { type: "string" },
      out: { type: "string" },
      format: { type: "string", default: "events" },
      send: { type: "string" },
      secret: { type: "string" },
      concurrency: { type: "string" },
      "duplicate-rate": { type: "string" },
      "shuffle-window": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const size = /^\d+$/.test(values.size) ? Number(values.size) : (values.size as GeneratorOptions["size"]);
  const shop = createShop({
    size,
    seed: parseNumber(values.seed, "seed"),
    start: values.start,
    end: values.end,
    shopDomain: values.shop,
  });
  const started = performance.now();

  if (values.send !== undefined) {
    if (!values.secret) throw new GeneratorInputError("INVALID_CLI_ARGUMENT", "--send needs --secret");
    const { sendWebhooks } = await import("../webhook-sender");
    const summary = await sendWebhooks(shop.events(), {
      appUrl: values.send,
      secret: values.secret,
      shop: shop.config.shopDomain,
      concurrency: parseNumber(values.concurrency, "concurrency"),
      duplicateRate: parseNumber(values["duplicate-rate"], "duplicate-rate"),
      shuffleWindow: parseNumber(values["shuffle-window"], "shuffle-window"),
      seed: shop.config.seed,
    });
    console.log(JSON.stringify(summary));
    return;
  }

  if (!values.out) throw new GeneratorInputError("INVALID_CLI_ARGUMENT", `--out is required\n${USAGE}`);
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    throw new GeneratorInputError("INVALID_CLI_ARGUMENT", `--format must be one of ${FORMATS.join(", ")}, got ${values.format}`);
  }
  let written: number;
  if (format === "bulk-orders" || format === "bulk-customers") {
    const result = await writeBulkJsonl(shop, { kind: format === "bulk-orders" ? "orders" : "customers" }, values.out);
    written = result.objectCount;
    console.error(`rootObjectCount=${result.rootObjectCount} bytes=${result.bytes}`);
  } else if (format === "events") {
    written = await writeLines(
      (function* () {
        for (const e of shop.events()) yield JSON.stringify({ at: e.at.toISOString(), topic: e.topic, eventId: e.eventId, payload: e.payload });
      })(),
      values.out,
    );
  } else if (format === "truth") {
    written = await writeLines(
      (function* () {
        for (const { record: _record, ...truth } of shop.truth()) yield JSON.stringify(truth);
      })(),
      values.out,
    );
  } else {
    const source = format === "orders" ? shop.orders() : shop.customers();
    written = await writeLines((function* () { for (const p of source) yield JSON.stringify(p); })(), values.out);
  }
  const seconds = (performance.now() - started) / 1000;
  console.error(`wrote ${written} lines (${format}) to ${values.out} in ${seconds.toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof GeneratorInputError) {
      console.error(`error (${error.reason}): ${error.message}`);
      process.exit(2);
    }
    throw error;
  });
}
