import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { trainCommand } from "./train.ts";

async function run(options: Parameters<typeof trainCommand>[0]) {
  const output = new PassThrough();
  const errors = new PassThrough();
  let out = "";
  let err = "";
  output.on("data", (chunk) => {
    out += chunk;
  });
  errors.on("data", (chunk) => {
    err += chunk;
  });
  const code = await trainCommand(options, output, errors);
  return { code, out, err };
}

const NO_SHARED = join(tmpdir(), "no-such-folder-for-treatywatch");

describe("treatywatch train", () => {
  it("needs the shared dev split, and says where it looked", async () => {
    const { code, err } = await run({ shared: NO_SHARED, out: tmpdir() });

    expect(code).toBe(2);
    expect(err).toContain(join(NO_SHARED, "dev.jsonl"));
  });

  it("with --check, says it did not check when the shared dev split is absent, and passes", async () => {
    const { code, out } = await run({ shared: NO_SHARED, check: true });

    expect(code).toBe(0);
    expect(out).toContain("whether training reproduces the weights is not checked");
  });
});
