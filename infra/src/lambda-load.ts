import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

export interface LambdaLoadOptions {
  /** The node_modules holding the AWS SDK, which the runtime provides: only `@aws-sdk` is taken from it. */
  nodeModules: string;
  /** The function's environment. */
  env: Record<string, string>;
  /** The longest the process may take; 30 s unless given. */
  timeoutMs?: number;
}

/** Before the handler's result on its own line, so that a log line never passes for it. */
const RESULT = "\u0000lambda-result\u0000";

/**
 * The files of a bundle's task root: a synthesized asset's every file, as deployed (the bundle, its
 * source map and what it reads beside itself), else the bundle and its source map.
 */
function taskFiles(bundle: string): string[] {
  const folder = dirname(bundle);
  if (basename(folder).startsWith("asset.")) {
    return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isFile() ? [entry.name] : []));
  }
  return [basename(bundle), ...(existsSync(`${bundle}.map`) ? [`${basename(bundle)}.map`] : [])];
}

/**
 * Runs `script` in a fresh Node process beside a copy of a function's bundle, as the Lambda
 * Node.js runtime holds it: in a folder of its own with its asset's files (the task root, with no package.json),
 * read with require() as CommonJS (ES module syntax is refused rather than detected, so a bundle
 * built as an ES module does not pass for one), only the AWS SDK on NODE_PATH, source maps enabled
 * as the functions' NODE_OPTIONS enable them. The script names the bundle `file`; `input` is its stdin.
 */
function beside(bundle: string, script: string, options: LambdaLoadOptions, input = ""): string {
  const root = mkdtempSync(join(tmpdir(), "treatywatch-task-"));
  try {
    const task = join(root, "task");
    const runtime = join(root, "runtime");
    mkdirSync(task);
    mkdirSync(runtime);
    symlinkSync(join(options.nodeModules, "@aws-sdk"), join(runtime, "@aws-sdk"), "dir");
    const file = join(task, basename(bundle));
    for (const name of taskFiles(bundle)) copyFileSync(join(dirname(bundle), name), join(task, name));
    const run = spawnSync(
      process.execPath,
      [
        "--enable-source-maps",
        "--no-experimental-detect-module",
        "--no-experimental-require-module",
        "-e",
        `const file=${JSON.stringify(file)};${script}`,
      ],
      {
        cwd: task,
        env: { ...options.env, PATH: process.env.PATH ?? "", NODE_PATH: runtime, NODE_NO_WARNINGS: "1" },
        encoding: "utf8",
        input,
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 30_000,
      },
    );
    if (run.error) throw new Error(`loading ${bundle}: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`loading ${bundle} failed: ${run.stderr.trim().slice(0, 1500)}`);
    return run.stdout;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The line a script wrote after the `RESULT` marker. */
function result(output: string): string {
  const at = output.lastIndexOf(RESULT);
  if (at < 0) throw new Error("the process ended without a result");
  return output.slice(at + RESULT.length).split("\n", 1)[0] ?? "";
}

/** Milliseconds from a fresh process's first line to require() returning the bundle, loaded as the runtime loads it. */
export function lambdaLoadMs(bundle: string, options: LambdaLoadOptions): number {
  const output = beside(
    bundle,
    `const t=performance.now();require(file);process.stdout.write(${JSON.stringify(RESULT)}+(performance.now()-t)+"\\n",()=>process.exit(0));`,
    options,
  );
  return Number(result(output));
}

/**
 * The bundle's handler called once with `event` (as its JSON reads it), loaded as the runtime
 * loads it; the process ends once the handler's promise settles, as an invocation does. A
 * handler that throws or rejects fails with its error.
 */
export function invokeLambda(bundle: string, event: unknown, options: LambdaLoadOptions): unknown {
  const output = beside(
    bundle,
    "const chunks=[];process.stdin.on('data',(c)=>chunks.push(c)).on('end',async()=>{" +
      "const event=JSON.parse(Buffer.concat(chunks).toString('utf8'));" +
      "const context={awsRequestId:'local',getRemainingTimeInMillis:()=>30000};" +
      "try{const r=await require(file).handler(event,context);" +
      `process.stdout.write(${JSON.stringify(RESULT)}+JSON.stringify(r??null)+"\\n",()=>process.exit(0));}` +
      "catch(e){console.error(e);process.exit(1);}});",
    options,
    JSON.stringify(event),
  );
  return JSON.parse(result(output));
}

/** A function of ours in a synthesized stack, with its bundle. */
export interface SynthesizedFunction {
  /** The construct id: `Api`, `Fetch`, … */
  name: string;
  logicalId: string;
  stack: string;
  /** The bundle, `index.js` in the function's asset folder. */
  file: string;
  description: string;
  /** Its environment as the template gives it, without the settings left to deploy time. */
  environment: Record<string, string>;
  /** The settings whose values the template leaves to deploy time (a queue's URL, a secret's ARN). */
  deployTimeSettings: string[];
  /** Whether an SQS queue invokes it. */
  consumesQueue: boolean;
}

interface TemplateResource {
  Type?: string;
  Properties?: {
    Code?: { S3Key?: string };
    Handler?: string;
    Description?: string;
    Environment?: { Variables?: Record<string, unknown> };
    FunctionName?: unknown;
  };
}

/**
 * The functions of ours (those `HouseFunction` makes: a Powertools service name set) in the
 * stacks `cdk synth` wrote to `out`, whose bundle is there; CDK's own handlers are left out.
 */
export function synthesizedFunctions(out: string): SynthesizedFunction[] {
  if (!existsSync(out)) return [];
  return readdirSync(out)
    .filter((name) => name.endsWith(".template.json"))
    .flatMap((templateFile) => {
      const resources =
        (
          JSON.parse(readFileSync(join(out, templateFile), "utf8")) as {
            Resources?: Record<string, TemplateResource>;
          }
        ).Resources ?? {};
      const consumers = new Set(
        Object.values(resources)
          .filter((resource) => resource.Type === "AWS::Lambda::EventSourceMapping")
          .map((resource) => (resource.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref),
      );
      return Object.entries(resources).flatMap(([logicalId, resource]): SynthesizedFunction[] => {
        const properties = resource.Properties ?? {};
        const variables = properties.Environment?.Variables ?? {};
        const key = properties.Code?.S3Key;
        if (resource.Type !== "AWS::Lambda::Function" || !key || typeof variables.POWERTOOLS_SERVICE_NAME !== "string")
          return [];
        const file = join(out, `asset.${key.replace(/\.zip$/, "")}`, "index.js");
        if (!existsSync(file)) return [];
        return [
          {
            // Functions are made directly in their stack: the logical id is the construct id and a hash.
            name: logicalId.replace(/[0-9A-F]{8}$/, ""),
            logicalId,
            stack: templateFile.replace(".template.json", ""),
            file,
            description: properties.Description ?? "",
            environment: Object.fromEntries(
              Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
            ),
            deployTimeSettings: Object.keys(variables).filter((name) => typeof variables[name] !== "string"),
            consumesQueue: consumers.has(logicalId),
          },
        ];
      });
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
