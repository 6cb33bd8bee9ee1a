import { readFileSync } from "node:fs";

/**
 * The classifier as `treatywatch train` wrote it (classifier.json), read and parsed as JSON text.
 * Imported as a module, the same file would be compiled by tsx into an object literal.
 * Lambda bundles take classifier-weights.bundle.ts instead.
 */
const weights: unknown = JSON.parse(readFileSync(new URL("./classifier.json", import.meta.url), "utf8"));

export default weights;
