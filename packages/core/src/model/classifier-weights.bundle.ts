import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The file a bundle taking this module reads beside itself; infra's HouseFunction ships it there. */
export const CLASSIFIER_FILE = "classifier.json";

/**
 * The classifier in a Lambda bundle (the `treatywatch-bundle` condition): classifier.json is
 * shipped beside the bundle and read when the function first judges, so its 467 KB are neither
 * compiled with the bundle nor parsed by a call that classifies nothing (a feed answered 304).
 */
export function readStoredClassifier(): unknown {
  // A CommonJS bundle's own folder, which the runtime's module wrapper names.
  const file = join(__dirname, CLASSIFIER_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${file} could not be read: a bundle that classifies ships ${CLASSIFIER_FILE} beside it`, {
      cause: error,
    });
  }
  return JSON.parse(text);
}
