import { App } from "aws-cdk-lib";
import { buildTreatywatch } from "../src/app.ts";
import { paramsFromContext } from "../src/params.ts";

/** `npm run synth`: bundles every function with the local esbuild and writes cdk.out; no AWS access needed. */
const app = new App({ outdir: new URL("../cdk.out", import.meta.url).pathname });
buildTreatywatch(app, paramsFromContext(app.node));
app.synth();
