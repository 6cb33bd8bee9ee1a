import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { invokeLambda, lambdaLoadMs } from "./lambda-load.ts";

const NODE_MODULES = join(import.meta.dirname, "..", "..", "node_modules");
const OPTIONS = { nodeModules: NODE_MODULES, env: { GREETING: "hello" } };

describe("a bundle loaded as the Lambda runtime loads it", () => {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-lambda-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function bundle(name: string, code: string): string {
    const file = join(dir, name);
    writeFileSync(file, code);
    return file;
  }

  const handler = bundle(
    "index.js",
    [
      'const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");',
      'console.log(JSON.stringify({ level: "INFO", message: "a log line before the result" }));',
      "exports.handler = async (event, context) => ({",
      "  statusCode: 200,",
      "  body: [process.env.GREETING, event.name, typeof DynamoDBClient, context.awsRequestId].join(' '),",
      "});",
    ].join("\n"),
  );

  it("calls its handler with the event, the SDK found on NODE_PATH from a folder of its own", () => {
    expect(invokeLambda(handler, { name: "world" }, OPTIONS)).toEqual({
      statusCode: 200,
      body: "hello world function local",
    });
  });

  it("times its load", () => {
    const ms = lambdaLoadMs(handler, OPTIONS);
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });
});
