import { readFileSync } from "node:fs";

/**
 * The classifier's weights as `treatywatch train` wrote them (classifier.json), read and parsed
 * as JSON text. Imported as a module, the same file is compiled by tsx into one object literal,
 * which took 16 to 18 MB of resident set and 5 MB of heap at load against 5 MB and 2.3 MB.
 * Lambda bundles take classifier-weights.bundle.ts instead.
 */
const weights: unknown = JSON.parse(readFileSync(new URL("./classifier.json", import.meta.url), "utf8"));

export default weights;
