import { storedClassifier } from "@treatywatch/core/classifier-model";
import { CLASSIFIER_JSON } from "@treatywatch/core/model/classifier-weights";
import { describe, expect, it } from "vitest";
import { testBundle } from "./test-bundle.ts";

const EXPORTS = 'export { storedClassifier } from "@treatywatch/core/classifier-model";';

describe("the classifier's weights in a Lambda bundle", () => {
  it("are read from classifier.json beside the bundle when first asked for, the same classifier Node reads", async () => {
    const { inputs, code, module } = await testBundle<{ storedClassifier: () => unknown }>(EXPORTS, {
      beside: [CLASSIFIER_JSON],
    });
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.bundle.ts"))).toBe(true);
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.ts"))).toBe(false);
    // Neither the file's text nor an object literal made of it: the bundle carries no weights.
    expect(code).not.toContain(storedClassifier().version);
    expect(code.length).toBeLessThan(50_000);

    expect(JSON.stringify(module.storedClassifier())).toBe(JSON.stringify(storedClassifier()));
  });

  it("says which file is missing when the bundle was shipped without it", async () => {
    const { module } = await testBundle<{ storedClassifier: () => unknown }>(EXPORTS);
    expect(() => module.storedClassifier()).toThrow(
      /treatywatch-bench-bundle-\w+\/classifier\.json could not be read: a bundle that classifies ships classifier\.json beside it/,
    );
  });
});
