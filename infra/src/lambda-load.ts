import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

export interface LambdaLoadOptions {
  /** Where the AWS SDK is found, standing for the runtime's own copy on NODE_PATH. */
  nodeModules: string;
  /** The function's environment. */
  env: Record<string, string>;
}

/**
 * Runs `script` in a fresh Node process beside a copy of a function's bundle, as the Lambda
 * Node.js runtime holds it: alone in a folder of its own (the task root, with no package.json,
 * so `index.js` is CommonJS and is read with require()), the AWS SDK found on NODE_PATH, source
 * maps enabled as the functions' NODE_OPTIONS enable them. The script names the bundle `file`.
 */
function beside(bundle: string, script: string, options: LambdaLoadOptions): string {
  const root = mkdtempSync(join(tmpdir(), "treatywatch-task-"));
  try {
    const file = join(root, basename(bundle));
    copyFileSync(bundle, file);
    if (existsSync(`${bundle}.map`)) copyFileSync(`${bundle}.map`, `${file}.map`);
    return execFileSync(
      process.execPath,
      ["--enable-source-maps", "-e", `const file=${JSON.stringify(file)};${script}`],
      {
        cwd: root,
        env: { ...options.env, PATH: process.env.PATH ?? "", NODE_PATH: options.nodeModules, NODE_NO_WARNINGS: "1" },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Milliseconds from a fresh process's first line to require() returning the bundle, loaded as the runtime loads it. */
export function lambdaLoadMs(bundle: string, options: LambdaLoadOptions): number {
  const output = beside(
    bundle,
    'const t=performance.now();require(file);process.stdout.write("\\n"+(performance.now()-t));',
    options,
  );
  return Number(output.trim().split("\n").at(-1));
}

/** The bundle's handler called once with `event`, loaded as the runtime loads it; its result as JSON reads it. */
export function invokeLambda(bundle: string, event: unknown, options: LambdaLoadOptions): unknown {
  const output = beside(
    bundle,
    `Promise.resolve(require(file).handler(${JSON.stringify(event)},{awsRequestId:"local",getRemainingTimeInMillis:()=>30000}))` +
      '.then((r)=>process.stdout.write("\\n"+JSON.stringify(r??null)));',
    options,
  );
  return JSON.parse(output.trim().split("\n").at(-1) ?? "null");
}
