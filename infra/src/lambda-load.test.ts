import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { invokeLambda, lambdaLoadMs, synthesizedFunctions } from "./lambda-load.ts";

const NODE_MODULES = join(import.meta.dirname, "..", "..", "node_modules");
const OPTIONS = { nodeModules: NODE_MODULES, env: { GREETING: "hello" }, timeoutMs: 20_000 };

describe("a bundle loaded as the Lambda runtime loads it", () => {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-lambda-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function bundle(name: string, lines: string[]): string {
    mkdirSync(join(dir, name), { recursive: true });
    const file = join(dir, name, "index.js");
    writeFileSync(file, lines.join("\n"));
    return file;
  }

  const greeter = bundle("greeter", [
    'const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");',
    'console.log(JSON.stringify({ level: "INFO", message: "a log line before the result" }));',
    "exports.handler = async (event, context) => {",
    "  setInterval(() => {}, 60_000);",
    "  return { statusCode: 200, body: [process.env.GREETING, event.name, typeof DynamoDBClient, context.awsRequestId].join(' ') };",
    "};",
  ]);

  it("calls its handler with the event, the SDK found from a folder of its own, and ends as the handler settles", () => {
    expect(invokeLambda(greeter, { name: "world" }, OPTIONS)).toEqual({
      statusCode: 200,
      body: "hello world function local",
    });
  });

  it("times its load", () => {
    const ms = lambdaLoadMs(greeter, OPTIONS);
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });

  it("finds no package but the AWS SDK, as on Lambda", () => {
    const stray = bundle("stray", ['const { Hono } = require("hono");', "exports.handler = async () => typeof Hono;"]);
    expect(() => invokeLambda(stray, {}, OPTIONS)).toThrow(/Cannot find module 'hono'/);
  });

  it("fails with the handler's error", () => {
    const failing = bundle("failing", ['exports.handler = async () => { throw new Error("no table"); };']);
    expect(() => invokeLambda(failing, {}, OPTIONS)).toThrow(/no table/);
  });

  it("holds a synthesized asset's files beside its bundle, as the task root does", () => {
    const reader = bundle("asset.0123", [
      'const { readFileSync } = require("node:fs");',
      'exports.handler = async () => readFileSync(require("node:path").join(__dirname, "weights.json"), "utf8");',
    ]);
    writeFileSync(join(dir, "asset.0123", "weights.json"), '{"version":"x"}');
    expect(invokeLambda(reader, {}, OPTIONS)).toBe('{"version":"x"}');
  });

  it("refuses a bundle written as an ES module", () => {
    const esm = bundle("esm", ["export const handler = async () => ({ statusCode: 200 });"]);
    expect(() => lambdaLoadMs(esm, OPTIONS)).toThrow();
  });
});

describe("synthesizedFunctions", () => {
  const out = mkdtempSync(join(tmpdir(), "treatywatch-cdk-out-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("lists our functions with their bundles and settings, not CDK's own handlers", () => {
    for (const asset of ["aaa", "bbb"]) {
      mkdirSync(join(out, `asset.${asset}`));
      writeFileSync(join(out, `asset.${asset}`, "index.js"), "exports.handler = async () => null;");
    }
    const template = {
      Resources: {
        Match0A1B2C3D: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Code: { S3Key: "aaa.zip" },
            Description: "matches stories",
            Environment: {
              Variables: {
                POWERTOOLS_SERVICE_NAME: "treatywatch-match",
                TREATYWATCH_DELIVERY_QUEUE_URL: { "Fn::ImportValue": "queue" },
                TREATYWATCH_SECRET_KEY_ARN: { Ref: "Secret" },
                TREATYWATCH_TABLE_NAME: { "Fn::ImportValue": "table" },
              },
            },
          },
        },
        CustomResourceProvider9F8E7D6C: { Type: "AWS::Lambda::Function", Properties: { Code: { S3Key: "bbb.zip" } } },
        MatchSource: {
          Type: "AWS::Lambda::EventSourceMapping",
          Properties: { FunctionName: { Ref: "Match0A1B2C3D" } },
        },
      },
    };
    writeFileSync(join(out, "prod-worker.template.json"), JSON.stringify(template));

    expect(synthesizedFunctions(out)).toEqual([
      {
        name: "Match",
        logicalId: "Match0A1B2C3D",
        stack: "prod-worker",
        file: join(out, "asset.aaa", "index.js"),
        description: "matches stories",
        environment: { POWERTOOLS_SERVICE_NAME: "treatywatch-match" },
        deployTimeSettings: ["TREATYWATCH_DELIVERY_QUEUE_URL", "TREATYWATCH_SECRET_KEY_ARN", "TREATYWATCH_TABLE_NAME"],
        consumesQueue: true,
      },
    ]);
  });
});
