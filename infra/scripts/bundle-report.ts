/**
 * Reads the Lambda bundles `npm run synth` wrote to cdk.out and reports, for each
 * function: minified size, gzipped size, the AWS SDK clients it imports from the
 * runtime, its largest inputs, and the time a cold Node process takes to load it as the
 * runtime does. Writes docs/bundles.md and cdk.out/bundle-report.json; fails when the API
 * bundle is 1 MB or more or imports an SDK client it does not use, when a bundle loaded as
 * the runtime loads it does not answer what it can without AWS (the API `GET /health`, a
 * queue's consumer an empty batch), when any bundle carries the SQLite driver (the embedded adapters stay out of Lambda), when a bundle other than
 * Fetch carries what reads an item's text (the language detector's table, the classifier's
 * weights), when a bundle's asset lacks a file it reads beside itself (the classifier's weights), and
 * when a bundle carries its esbuild metafile (kept in cdk.out/bundle-meta instead).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { BUNDLE_META_DIR, bundleMetaName } from "../src/bundle-meta.ts";
import { FILES_BESIDE } from "../src/house-function.ts";
import { invokeLambda, lambdaLoadMs, type SynthesizedFunction, synthesizedFunctions } from "../src/lambda-load.ts";

const INFRA = new URL("..", import.meta.url).pathname;
const OUT = join(INFRA, "cdk.out");
const DOCS = join(INFRA, "..", "docs", "bundles.md");
const API_LIMIT_BYTES = 1_000_000;
const API_SDK_CLIENTS = [
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/lib-dynamodb",
  "@aws-sdk/client-secrets-manager",
  // Confirmation mail is queued for the deliver function as the request is answered.
  "@aws-sdk/client-sqs",
];
const IMPORT_RUNS = 3;
/** Packages no Lambda bundle may contain: native code built for this machine, not Lambda's. */
const NEVER_BUNDLED = ["better-sqlite3"];
/** Inputs that read an item's text: only the fetch function reads it; later stages get its verdict and fingerprint. */
const FETCH_ONLY: Array<{ name: string; matches: (input: string) => boolean }> = [
  { name: "the language detector's table", matches: (input) => input.endsWith("packages/core/src/language-table.ts") },
  {
    name: "the classifier's weights",
    matches: (input) => input.endsWith("packages/core/src/model/classifier-weights.bundle.ts"),
  },
];
const READS_TEXT = "Fetch";

interface Metafile {
  outputs: Record<
    string,
    { imports: Array<{ path: string; external?: boolean }>; inputs: Record<string, { bytesInOutput: number }> }
  >;
}

export interface BundleEntry {
  function: string;
  stack: string;
  description: string;
  bytes: number;
  gzipBytes: number;
  sdkClients: string[];
  largestInputs: Array<{ input: string; bytes: number }>;
  /** The NEVER_BUNDLED packages found in it. */
  forbidden: string[];
  /** The FETCH_ONLY inputs found in it. */
  readsText: string[];
  coldImportMs: number;
}

/** `node_modules/<pkg>/…` and `packages/<name>/…` collapse to the package they came from. */
function packageOf(input: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (dependency?.[1]) return dependency[1];
  const workspace = /(apps|packages)\/([^/]+)/.exec(input);
  return workspace ? `${workspace[1]}/${workspace[2]}` : input;
}

const NODE_MODULES = join(INFRA, "..", "node_modules");
/** What the Lambda runtime sets beside a function's own environment. */
const RUNTIME_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "bundle-report",
  AWS_SECRET_ACCESS_KEY: "bundle-report",
};

/**
 * A function's settings as deployed, with a stand-in of the same form for each the template
 * leaves to deploy time (a queue's URL, the table's name); a secret's ARN is left unset, as no
 * secret can be read here, and the function goes without it as it does on one machine.
 */
function loadOptions(fn: SynthesizedFunction) {
  const standIns = fn.deployTimeSettings
    .filter((name) => !name.endsWith("_ARN"))
    .map((name) => [
      name,
      name.endsWith("_URL") ? "https://sqs.eu-west-1.amazonaws.com/000000000000/deploy-time" : "deploy-time",
    ]);
  return { nodeModules: NODE_MODULES, env: { ...RUNTIME_ENV, ...fn.environment, ...Object.fromEntries(standIns) } };
}

function coldImportMs(fn: SynthesizedFunction): number {
  const runs = Array.from({ length: IMPORT_RUNS }, () => lambdaLoadMs(fn.file, loadOptions(fn)));
  return Math.round(runs.sort((a, b) => a - b)[Math.floor(IMPORT_RUNS / 2)] ?? 0);
}

/** `GET /health` as API Gateway (HTTP API) hands it to the API function. */
const HEALTH_REQUEST = {
  version: "2.0",
  routeKey: "$default",
  rawPath: "/health",
  rawQueryString: "",
  headers: { host: "bundle-report.invalid" },
  requestContext: {
    http: { method: "GET", path: "/health", protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "bundle-report" },
    requestId: "bundle-report",
    stage: "$default",
    domainName: "bundle-report.invalid",
    timeEpoch: 0,
  },
  isBase64Encoded: false,
};

/**
 * A function's bundle called once, loaded as the runtime loads it, with what it can answer
 * without AWS: the API with `GET /health` (200), a queue's consumer with an empty batch (no
 * failures); what is wrong, or nothing. The scheduled functions reach DynamoDB at once, so
 * their bundles are only loaded (their cold import, above).
 */
function invocationProblem(fn: SynthesizedFunction): string | undefined {
  const call = fn.name === "Api" ? HEALTH_REQUEST : fn.consumesQueue ? { Records: [] } : undefined;
  if (!call) return undefined;
  try {
    const answer = invokeLambda(fn.file, call, loadOptions(fn)) as Record<string, unknown> | null;
    const ok =
      fn.name === "Api"
        ? answer?.statusCode === 200
        : Array.isArray(answer?.batchItemFailures) && answer.batchItemFailures.length === 0;
    return ok ? undefined : `the ${fn.name} bundle answered ${JSON.stringify(answer).slice(0, 200)}`;
  } catch (error) {
    return `the ${fn.name} bundle failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function report(): BundleEntry[] {
  const entries: BundleEntry[] = [];
  for (const fn of synthesizedFunctions(OUT)) {
    const dir = dirname(fn.file);
    if (existsSync(join(dir, "index.meta.json"))) problems.push(`the ${fn.logicalId} bundle carries its metafile`);
    const problem = invocationProblem(fn);
    if (problem) problems.push(problem);
    const meta = JSON.parse(
      readFileSync(join(BUNDLE_META_DIR, bundleMetaName(`${fn.stack}/${fn.name}`)), "utf8"),
    ) as Metafile;
    const output = Object.values(meta.outputs).find((o) => Object.keys(o.inputs).length > 0);
    const carried = Object.entries(output?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) =>
      bytesInOutput > 0 ? [input] : [],
    );
    for (const { module, file } of FILES_BESIDE) {
      const beside = join(dir, basename(file));
      if (carried.includes(module) && !(existsSync(beside) && readFileSync(beside).equals(readFileSync(file)))) {
        problems.push(
          `the ${fn.name} bundle reads ${basename(file)} beside itself, and its asset has no copy of ${file}`,
        );
      }
    }
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    entries.push({
      function: fn.name,
      stack: fn.stack,
      description: fn.description,
      bytes: statSync(fn.file).size,
      gzipBytes: gzipSync(readFileSync(fn.file)).length,
      sdkClients: [
        ...new Set(
          (output?.imports ?? []).filter((i) => i.external && i.path.startsWith("@aws-sdk/")).map((i) => i.path),
        ),
      ].sort(),
      largestInputs: [...byPackage.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([input, bytes]) => ({ input, bytes })),
      forbidden: NEVER_BUNDLED.filter((name) => byPackage.has(name)),
      readsText: FETCH_ONLY.filter(({ matches }) => carried.some(matches)).map(({ name }) => name),
      coldImportMs: coldImportMs(fn),
    });
  }
  return entries;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** A Markdown table with its columns padded, as the formatter (biome) writes it. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) => Math.max(3, cell.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}

function markdown(entries: BundleEntry[]): string {
  const rows = entries.map((e) => [
    e.function,
    kb(e.bytes),
    kb(e.gzipBytes),
    `${e.coldImportMs} ms`,
    e.sdkClients.join(", ") || "none",
    e.largestInputs
      .slice(0, 3)
      .map((i) => `${i.input} ${kb(i.bytes)}`)
      .join(", "),
  ]);
  return [
    "# Lambda bundles",
    "",
    "Written by `npm run synth` (infra/scripts/bundle-report.ts) from the bundles in `infra/cdk.out`.",
    "Sizes are the minified CommonJS bundle without its source map. The AWS SDK is not bundled: the Node.js 22",
    "runtime provides it, so each function lists the SDK clients it requires from there (DynamoDB when it starts, the others",
    `when it first uses them). Cold import is the median of ${IMPORT_RUNS} fresh Node processes loading the bundle as the`,
    "runtime does (require() from a folder of its own, with the SDK clients it loads at start found on NODE_PATH, and",
    "source maps enabled as on Lambda), on the machine that ran the synth: a quick",
    "look, which a busy machine moves by tens of milliseconds; the cold-start rows of docs/BENCHMARKS.md",
    "(`npm run bench -- cold-start`, the median of 9) are the measure held to the 150 ms goal.",
    "",
    ...table(["function", "minified", "gzipped", "cold import", "SDK clients", "largest inputs"], rows),
    "",
  ].join("\n");
}

const problems: string[] = [];
const entries = report();
if (entries.length === 0) throw new Error("no bundles in cdk.out: run the synth first");
writeFileSync(join(OUT, "bundle-report.json"), `${JSON.stringify(entries, null, 2)}\n`);
writeFileSync(DOCS, markdown(entries));
process.stdout.write(markdown(entries));

const api = entries.find((e) => e.function === "Api");
if (!api) problems.push("no API bundle found");
else {
  if (api.bytes >= API_LIMIT_BYTES) problems.push(`the API bundle is ${kb(api.bytes)}, over 1 MB`);
  const extra = api.sdkClients.filter((client) => !API_SDK_CLIENTS.includes(client));
  if (extra.length > 0) problems.push(`the API bundle imports SDK clients it does not use: ${extra.join(", ")}`);
}
for (const entry of entries) {
  if (entry.forbidden.length > 0) problems.push(`the ${entry.function} bundle contains ${entry.forbidden.join(", ")}`);
  if (entry.function !== READS_TEXT && entry.readsText.length > 0) {
    problems.push(
      `the ${entry.function} bundle contains ${entry.readsText.join(" and ")}, which only ${READS_TEXT} needs`,
    );
  }
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join("\n")}\n`);
  process.exitCode = 1;
}
