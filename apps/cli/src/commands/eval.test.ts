import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { evalCommand } from "./eval.ts";
import { LABELLED_SETS } from "./labelled.ts";

/** A shared folder whose "test split" is a slice of our written set, and floors to hold it to. */
function sharedFolder(floor: number): { shared: string; floors: string } {
  const shared = mkdtempSync(join(tmpdir(), "treatywatch-eval-"));
  const lines = readFileSync(LABELLED_SETS.written, "utf8").split("\n").filter(Boolean).slice(0, 40).join("\n");
  writeFileSync(join(shared, "test.jsonl"), `${lines}\n`);
  writeFileSync(join(shared, "dev.jsonl"), `${lines}\n`);
  const figures = {
    relevanceF1: floor,
    relevanceF1EachLanguage: floor,
    topicF1: floor,
    storyF1: floor,
    crossLanguageRecall: floor,
  };
  const floors = join(shared, "floors.json");
  writeFileSync(floors, JSON.stringify({ headlineOnly: figures, withLead: figures }));
  return { shared, floors };
}

async function run(options: Parameters<typeof evalCommand>[0]) {
  const output = new PassThrough();
  const errors = new PassThrough();
  let out = "";
  let err = "";
  output.on("data", (chunk: Buffer) => (out += chunk.toString()));
  errors.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await evalCommand(options, output, errors, "2026-12-01T00:00:00.000Z");
  return { code, out, err };
}

describe("treatywatch eval --check", () => {
  it("passes when the frozen split is at or above every floor", async () => {
    const { code, out } = await run({ ...sharedFolder(0), check: true });

    expect(code).toBe(0);
    expect(out).toContain("eval check: the test split is at or above every floor");
  });

  it("fails, naming each figure, when the frozen split falls below a floor", async () => {
    const { code, err } = await run({ ...sharedFolder(1.01), check: true });

    expect(code).toBe(1);
    expect(err).toMatch(/headline only: relevance F1 \d\.\d{3} < 1\.01 \(floor\)/);
  });

  it("says it skipped the held-out figures when the shared splits are absent, and passes", async () => {
    const { code, out } = await run({ shared: join(tmpdir(), "no-such-folder-for-treatywatch"), check: true });

    expect(code).toBe(0);
    expect(out).toContain("held-out figures skipped");
    expect(out).toContain("nothing to check");
  });
});
