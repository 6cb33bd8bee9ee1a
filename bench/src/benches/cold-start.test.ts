import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lambdaEntries } from "./cold-start.ts";

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "treatywatch-bench-repo-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("lambdaEntries", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("takes the entries the CDK stacks declare, when the files exist", () => {
    root = repo({
      "infra/src/stacks/api.ts": 'new HouseFunction(this, "Api", { entry: "apps/api/src/lambda.ts" });',
      "infra/src/stacks/worker.ts": 'entry: "apps/worker/src/lambda/poll.ts", other: { entry: "apps/gone.ts" }',
      "apps/api/src/lambda.ts": "",
      "apps/worker/src/lambda/poll.ts": "",
    });

    expect(lambdaEntries(root)).toEqual(["apps/api/src/lambda.ts", "apps/worker/src/lambda/poll.ts"]);
  });

  it("falls back to the apps' lambda files, leaving out tests and settings", () => {
    root = repo({
      "apps/api/src/lambda.ts": "",
      "apps/worker/src/lambda/fetch.ts": "",
      "apps/worker/src/lambda/fetch.test.ts": "",
      "apps/worker/src/lambda/lambda-config.ts": "",
      "apps/worker/src/lambda/messages.ts": "",
    });

    expect(lambdaEntries(root).sort()).toEqual(["apps/api/src/lambda.ts", "apps/worker/src/lambda/fetch.ts"]);
  });
});
