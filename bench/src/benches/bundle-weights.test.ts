import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CLASSIFIER_MODEL } from "@treatywatch/core/classifier-model";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE_CONDITIONS } from "./cold-start.ts";

describe("the classifier's weights in a Lambda bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-weights-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are classifier.json shipped as one string and parsed, the same model Node reads", async () => {
    const outfile = join(dir, "model.mjs");
    const result = await build({
      stdin: {
        contents: 'export { CLASSIFIER_MODEL } from "@treatywatch/core/classifier-model";',
        resolveDir: import.meta.dirname,
      },
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      conditions: BUNDLE_CONDITIONS,
      minify: true,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.bundle.ts"))).toBe(true);
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.ts"))).toBe(false);
    // The file's own text, as `treatywatch train` wrote it, rather than an object literal made of it.
    const code = readFileSync(outfile, "utf8");
    expect(code).toContain(`"version": "${CLASSIFIER_MODEL.version}"`);
    expect(code).not.toContain(`version:"${CLASSIFIER_MODEL.version}"`);

    const bundled = (await import(pathToFileURL(outfile).href)) as { CLASSIFIER_MODEL: unknown };
    expect(bundled.CLASSIFIER_MODEL).toEqual(CLASSIFIER_MODEL);
    expect(JSON.stringify(bundled.CLASSIFIER_MODEL)).toBe(JSON.stringify(CLASSIFIER_MODEL));
  });
});
