import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@treatywatch/infra",
    // Template synthesis is CPU-bound; each file synthesises once, in beforeAll.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
