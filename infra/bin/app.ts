import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { buildTreatywatch } from "../src/app.ts";
import { paramsFromContext } from "../src/params.ts";

/**
 * `npm run synth`: bundles every function with the local esbuild and writes cdk.out;
 * no AWS access needed. Context comes from cdk.json; `cdk -c name=value` overrides it.
 */
const cdkJson = JSON.parse(readFileSync(new URL("../cdk.json", import.meta.url), "utf8")) as {
  context?: Record<string, unknown>;
};
const app = new App({ outdir: new URL("../cdk.out", import.meta.url).pathname, context: cdkJson.context });
buildTreatywatch(app, paramsFromContext(app.node));
app.synth();
