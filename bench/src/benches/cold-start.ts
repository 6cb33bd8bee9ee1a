import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { lambdaLoadMs, synthesizedFunctions } from "@treatywatch/infra/src/lambda-load.ts";
import { type BuildOptions, build } from "esbuild";
import { type Bench, num, type Row } from "../report.ts";

/** Settings the Lambda entries read at import, so they start as they would on AWS. */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  TREATYWATCH_TABLE_NAME: "treatywatch-bench",
  TREATYWATCH_FETCH_QUEUE_URL: "http://127.0.0.1:9/000000000000/fetch",
  TREATYWATCH_FETCH_DLQ_URL: "http://127.0.0.1:9/000000000000/fetch-dlq",
};

/** The Lambda entries the CDK app deploys (`entry: "…"` in its stacks), else the apps' lambda files. */
export function lambdaEntries(repoRoot: string): string[] {
  const stacks = join(repoRoot, "infra", "src", "stacks");
  const declared = existsSync(stacks)
    ? readdirSync(stacks)
        .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
        .flatMap((name) => [...readFileSync(join(stacks, name), "utf8").matchAll(/\bentry:\s*["']([^"']+\.ts)["']/g)])
        .map((match) => match[1] ?? "")
        .filter((entry) => existsSync(join(repoRoot, entry)))
    : [];
  if (declared.length > 0) return [...new Set(declared)].sort();
  const apps = join(repoRoot, "apps");
  return readdirSync(apps).flatMap((app) => {
    const src = join(apps, app, "src");
    if (!existsSync(src)) return [];
    const direct = readdirSync(src).filter((name) => /^lambda\.ts$/.test(name));
    const nested = existsSync(join(src, "lambda"))
      ? readdirSync(join(src, "lambda"))
          .filter((name) => /\.ts$/.test(name) && !/(\.test|config|messages)\.ts$/.test(name))
          .map((name) => join("lambda", name))
      : [];
    return [...direct, ...nested].map((name) => join("apps", app, "src", name));
  });
}

interface Bundle {
  name: string;
  file: string;
}

/** The bundles the last `npm run synth` left in infra/cdk.out, by function: what would be deployed. */
export function synthesizedBundles(repoRoot: string): Bundle[] {
  return synthesizedFunctions(join(repoRoot, "infra", "cdk.out"));
}

/** The package.json conditions the infra's bundles resolve with (infra/src/house-function.ts). */
export const BUNDLE_CONDITIONS = ["treatywatch-bundle", "module"];

/** How the infra bundles a function: CommonJS, minified, the AWS SDK left to the runtime. */
export const AS_THE_INFRA_BUNDLES: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  mainFields: ["module", "main"],
  conditions: BUNDLE_CONDITIONS,
  supported: { "dynamic-import": false },
  sourcemap: true,
  sourcesContent: false,
  minify: true,
  external: ["@aws-sdk/*"],
  logLevel: "silent",
};

/**
 * What functions load at start, each bundled alone as the functions are, so the note can say
 * where a cold start's time goes.
 */
const PARTS: ReadonlyArray<{ name: string; what: string; code: string; from: string }> = [
  {
    name: "sdk",
    what: "the DynamoDB client and its document client, which every function requires at start",
    code: 'require("@aws-sdk/client-dynamodb"); require("@aws-sdk/lib-dynamodb");',
    from: ".",
  },
  {
    name: "zod",
    what: "zod's full build, which the Api bundle carries for its routes' OpenAPI schemas",
    code: 'module.exports = require("zod");',
    from: ".",
  },
  {
    name: "iconv",
    what: "iconv-lite, which the Fetch bundle carries to decode feeds in legacy character sets",
    code: 'module.exports = require("iconv-lite");',
    from: "packages/feeds",
  },
];

/** Bundles each Lambda entry as the infra does (CommonJS, minified, the AWS SDK left to the runtime). */
async function bundleEntries(repoRoot: string, out: string): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const entry of lambdaEntries(repoRoot)) {
    const name = entry
      .replace(/^apps\//, "")
      .replace(/\/src\//, "/")
      .replace(/\.ts$/, "");
    const file = join(out, `${name.replace(/\//g, "-")}.js`);
    await build({ ...AS_THE_INFRA_BUNDLES, entryPoints: [join(repoRoot, entry)], outfile: file });
    bundles.push({ name, file });
  }
  return bundles;
}

/** The longest a function's bundle may take to import in a fresh process. */
const COLD_IMPORT_LIMIT_MS = 150;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const coldStart: Bench = {
  name: "cold-start",
  async run({ quick, repoRoot, log }): Promise<Row[]> {
    // Kept with the build cache; each bundle is loaded from a folder of its own (see lambdaLoadMs).
    const out = join(repoRoot, "node_modules", ".cache", "treatywatch-bench", "lambda");
    mkdirSync(out, { recursive: true });
    const runs = quick ? 3 : 9;
    const baseline = join(out, "empty.js");
    await build({
      stdin: { contents: "export const handler = () => {};" },
      outfile: baseline,
      format: "cjs",
      write: true,
    });
    const load = (file: string) => lambdaLoadMs(file, { nodeModules: join(repoRoot, "node_modules"), env: LAMBDA_ENV });
    const synthesized = synthesizedBundles(repoRoot);
    const bundles = synthesized.length > 0 ? synthesized : await bundleEntries(repoRoot, out);
    const parts = await Promise.all(
      PARTS.map(async (part) => {
        const file = join(out, `part-${part.name}.js`);
        await build({
          ...AS_THE_INFRA_BUNDLES,
          stdin: { contents: part.code, resolveDir: join(repoRoot, part.from) },
          outfile: file,
        });
        return { ...part, file };
      }),
    );
    // Loaded in rotation, the empty module and the parts with them, so that a spell of load on a
    // shared machine falls on every bundle alike rather than on the one being measured.
    const files = [baseline, ...bundles.map((bundle) => bundle.file), ...parts.map((part) => part.file)];
    const times = files.map((): number[] => []);
    for (let run = 0; run < runs; run++) {
      for (const [at, file] of files.entries()) times[at]?.push(load(file));
    }
    const [empty = Number.NaN, ...medians] = times.map(median);
    const loads = medians.slice(0, bundles.length);
    const partLoads = medians.slice(bundles.length);
    const rows: Row[] = [];
    for (const [at, bundle] of bundles.entries()) {
      const size = statSync(bundle.file).size;
      const ms = loads[at] ?? Number.NaN;
      log(`cold-start: ${bundle.name} ${num(size / 1024)} KiB, load ${num(ms, 1)} ms`);
      rows.push({
        name: `cold-start ${bundle.name}`,
        measured: `${num(ms)} ms load, ${num(size / 1024)} KiB`,
        baseline: `empty module ${num(empty, 1)} ms`,
        ratio: "—",
        target: `< ${COLD_IMPORT_LIMIT_MS} ms`,
        pass: ms < COLD_IMPORT_LIMIT_MS,
      });
    }
    const first = rows[0];
    if (first) {
      first.note =
        (synthesized.length > 0
          ? "each Lambda bundle the last `npm run synth` wrote to infra/cdk.out (see docs/bundles.md)"
          : "each Lambda entry the CDK stacks declare, bundled with esbuild as the infra bundles it (CommonJS, minified, " +
            "`@aws-sdk/*` external as on the Lambda runtime)") +
        ", loaded in a fresh Node process as the Lambda Node.js runtime loads a CommonJS handler: require() from a folder " +
        "of its own, the AWS SDK found on NODE_PATH (the repository's node_modules standing for the runtime's copy), " +
        `source maps enabled as on Lambda; the median of ${runs} processes, from the first line of the process to ` +
        "require() returning, next to an empty module's, every bundle loaded once a round so that each sees the same machine. " +
        `Where the time goes, loaded alone in the same rounds: ${parts
          .map((part, at) => `${part.what}, ${num(partLoads[at] ?? Number.NaN)} ms`)
          .join("; ")}. The Fetch function reads the classifier's weights, shipped beside its bundle, when it first ` +
        "judges rather than at start, so a call that classifies nothing never reads them. " +
        "Lambda runs Node.js 22: on this machine it loaded the same " +
        "bundles within about 15% of Node.js 20 (on 2026-12-01, the median of 7: Api 119 ms against 104 ms, Fetch 90 ms " +
        "against 93 ms, Poll 71 ms against 67 ms).";
    }
    return rows;
  },
};
