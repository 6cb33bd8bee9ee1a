import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { build } from "esbuild";
import { onTestFinished } from "vitest";
import { AS_THE_INFRA_BUNDLES } from "./cold-start.ts";

export interface TestBundle<Module> {
  /** The files whose code the bundle carries, as esbuild names them. */
  inputs: string[];
  /** The bundle's own text. */
  code: string;
  /** The bundle, loaded with require() as the Lambda runtime loads a function's. */
  module: Module;
}

export interface TestBundleOptions {
  /** Files copied into the bundle's folder, as the infra ships files a function reads beside its bundle. */
  beside?: readonly string[];
}

/**
 * `contents` bundled as the infra bundles a function and loaded as the runtime loads it. The
 * bundle is written to a folder of its own, removed when the test finishes.
 */
export async function testBundle<Module>(
  contents: string,
  options: TestBundleOptions = {},
): Promise<TestBundle<Module>> {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-bundle-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, "bundle.cjs");
  const result = await build({
    ...AS_THE_INFRA_BUNDLES,
    stdin: { contents, resolveDir: import.meta.dirname },
    outfile,
    metafile: true,
  });
  for (const file of options.beside ?? []) copyFileSync(file, join(dir, basename(file)));
  const output =
    result.metafile?.outputs[Object.keys(result.metafile.outputs).find((file) => file.endsWith(".cjs")) ?? ""];
  const inputs = Object.entries(output?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) =>
    bytesInOutput > 0 ? [input] : [],
  );
  const module = createRequire(import.meta.url)(outfile) as Module;
  return { inputs, code: readFileSync(outfile, "utf8"), module };
}
