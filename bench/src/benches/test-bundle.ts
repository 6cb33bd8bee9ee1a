import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { BUNDLE_CONDITIONS } from "./cold-start.ts";

export interface TestBundle<Module> {
  /** The files whose code the bundle carries, as esbuild names them. */
  inputs: string[];
  /** The bundle's own text. */
  code: string;
  /** The bundle, imported. */
  module: Module;
}

/**
 * `contents` bundled, minified and imported as a Lambda function's bundle resolves it (the
 * `treatywatch-bundle` condition), the AWS SDK left out as the runtime provides it. The bundle
 * is written to a folder of its own, removed once it is imported.
 */
export async function testBundle<Module>(contents: string): Promise<TestBundle<Module>> {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-bundle-"));
  try {
    const outfile = join(dir, "bundle.mjs");
    const result = await build({
      stdin: { contents, resolveDir: import.meta.dirname },
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      conditions: BUNDLE_CONDITIONS,
      external: ["@aws-sdk/*"],
      minify: true,
      metafile: true,
      logLevel: "silent",
    });
    const output = result.metafile.outputs[Object.keys(result.metafile.outputs)[0] ?? ""];
    const inputs = Object.entries(output?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) =>
      bytesInOutput > 0 ? [input] : [],
    );
    const module = (await import(pathToFileURL(outfile).href)) as Module;
    return { inputs, code: readFileSync(outfile, "utf8"), module };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
