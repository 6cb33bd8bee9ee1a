import { STORED_CLASSIFIER } from "@treatywatch/core/classifier-model";
import { describe, expect, it } from "vitest";
import { testBundle } from "./test-bundle.ts";

describe("the classifier's weights in a Lambda bundle", () => {
  it("are classifier.json shipped as one string and parsed, the same classifier Node reads", async () => {
    const { inputs, code, module } = await testBundle<{ STORED_CLASSIFIER: unknown }>(
      'export { STORED_CLASSIFIER } from "@treatywatch/core/classifier-model";',
    );
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.bundle.ts"))).toBe(true);
    expect(inputs.some((input) => input.endsWith("packages/core/src/model/classifier-weights.ts"))).toBe(false);
    // The file's own text, as `treatywatch train` wrote it, rather than an object literal made of it.
    expect(code).toContain(`"version": "${STORED_CLASSIFIER.version}"`);
    expect(code).not.toContain(`version:"${STORED_CLASSIFIER.version}"`);

    expect(JSON.stringify(module.STORED_CLASSIFIER)).toBe(JSON.stringify(STORED_CLASSIFIER));
  });
});
