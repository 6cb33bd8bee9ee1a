import { CLASSIFIER_MODEL } from "@treatywatch/core/classifier-model";
import { describe, expect, it } from "vitest";
import { testBundle } from "./test-bundle.ts";

describe("the classifier's weights in a Lambda bundle", () => {
  it("are classifier.json shipped as one string and parsed, the same model Node reads", async () => {
    const { inputs, code, module } = await testBundle<{ CLASSIFIER_MODEL: unknown }>(
      'export { CLASSIFIER_MODEL } from "@treatywatch/core/classifier-model";',
    );
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.bundle.ts"))).toBe(true);
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.ts"))).toBe(false);
    // The file's own text, as `treatywatch train` wrote it, rather than an object literal made of it.
    expect(code).toContain(`"version": "${CLASSIFIER_MODEL.version}"`);
    expect(code).not.toContain(`version:"${CLASSIFIER_MODEL.version}"`);

    expect(module.CLASSIFIER_MODEL).toEqual(CLASSIFIER_MODEL);
    expect(JSON.stringify(module.CLASSIFIER_MODEL)).toBe(JSON.stringify(CLASSIFIER_MODEL));
  });
});
