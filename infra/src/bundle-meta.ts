import { fileURLToPath } from "node:url";

/**
 * Where each function's esbuild metafile is kept for the bundle report (infra/scripts/bundle-report.ts),
 * named by the function's construct path: moved out of the bundle, so it is never deployed.
 */
export const BUNDLE_META_DIR = fileURLToPath(new URL("../cdk.out/bundle-meta", import.meta.url));

/** The metafile name of a function at a construct path (`<stack id>/<function id>`). */
export function bundleMetaName(constructPath: string): string {
  return `${constructPath.replace(/[^A-Za-z0-9._-]+/g, "-")}.json`;
}
