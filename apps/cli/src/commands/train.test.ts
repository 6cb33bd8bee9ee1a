import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { staleWeights, trainCommand } from "./train.ts";

async function run(options: Parameters<typeof trainCommand>[0], besideTheProject?: string) {
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
  const code = await trainCommand(options, output, errors, besideTheProject);
  return { code, out, err };
}

const NO_SHARED = join(tmpdir(), "no-such-folder-for-treatywatch");

describe("treatywatch train", () => {
  it("needs the shared dev split, and says where it looked", async () => {
    const { code, err } = await run({ shared: NO_SHARED, out: tmpdir() });

    expect(code).toBe(2);
    expect(err).toContain(join(NO_SHARED, "dev.jsonl"));
  });

  it("with --check, says it did not check when the shared dev split is not beside the project, and passes", async () => {
    const { code, out } = await run({ check: true }, NO_SHARED);

    expect(code).toBe(0);
    expect(out).toContain("whether training reproduces the weights is not checked");
  });

  it("with --check and a shared folder named that lacks the dev split, fails rather than skip", async () => {
    const { code, err } = await run({ shared: NO_SHARED, check: true });

    expect(code).toBe(2);
    expect(err).toContain(join(NO_SHARED, "dev.jsonl"));
  });
});

describe("staleWeights", () => {
  it("names each file that is missing or holds other than what training writes, and nothing when all agree", async () => {
    const folder = mkdtempSync(join(tmpdir(), "treatywatch-train-"));
    const same = join(folder, "classifier.json");
    const other = join(folder, "stories.json");
    writeFileSync(same, "{}\n");
    writeFileSync(other, "{}\n");

    expect(await staleWeights([{ file: same, text: "{}\n" }])).toEqual([]);
    expect(
      await staleWeights([
        { file: same, text: "{}\n" },
        { file: other, text: '{"bias":1}\n' },
        { file: join(folder, "gone.json"), text: "{}\n" },
      ]),
    ).toEqual([`${other} is not what training writes`, `${join(folder, "gone.json")} is missing`]);
  });
});
