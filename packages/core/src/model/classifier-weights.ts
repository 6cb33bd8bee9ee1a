import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** classifier.json, which `treatywatch train` writes and a Lambda bundle that classifies ships beside itself. */
export const CLASSIFIER_JSON = fileURLToPath(new URL("./classifier.json", import.meta.url));

/**
 * The classifier as `treatywatch train` wrote it, read and parsed as JSON text when it is first
 * asked for. Imported as a module, the same file would be compiled by tsx into an object literal.
 * Lambda bundles take classifier-weights.bundle.ts instead.
 */
export function readStoredClassifier(): unknown {
  return JSON.parse(readFileSync(CLASSIFIER_JSON, "utf8"));
}
