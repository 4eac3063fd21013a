import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GeneratorInputError } from "../../../dev/generator/errors";
import { runCli } from "../../../dev/generator/main";

const dir = mkdtempSync(join(tmpdir(), "retain-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("generator CLI", () => {
  it("writes events, bulk customers and truth files for a custom size", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const events = join(dir, "events.jsonl");
    await runCli(["--size", "12", "--seed", "42", "--out", events, "--format", "events"]);
    const lines = readFileSync(events, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.topic === "customers/create")).toHaveLength(12);
    expect(lines[0]).toHaveProperty("payload.admin_graphql_api_id");

    const customers = join(dir, "customers.jsonl");
    await runCli(["--size", "12", "--out", customers, "--format", "bulk-customers"]);
    expect(readFileSync(customers, "utf8").trimEnd().split("\n")).toHaveLength(12);

    const truth = join(dir, "truth.jsonl");
    await runCli(["--size", "12", "--out", truth, "--format", "truth"]);
    const truths = readFileSync(truth, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(truths).toHaveLength(12);
    expect(truths[0]).toHaveProperty("lambda");
    expect(truths[0]).not.toHaveProperty("record");
  });

  it("rejects a missing --out and an unknown format with typed errors", async () => {
    await expect(runCli(["--size", "tiny"])).rejects.toThrow(GeneratorInputError);
    await expect(runCli(["--size", "tiny", "--out", join(dir, "x"), "--format", "xml"])).rejects.toThrow(GeneratorInputError);
  });
});
