import { describe, expect, it } from "vitest";
import {
  type ClassifierModel,
  compileClassifier,
  type Decision,
  judge,
  judgeByFeatures,
  loadClassifier,
  packClassifier,
  STORED_CLASSIFIER,
  unpackClassifier,
  weightOf,
} from "./classifier-model.ts";
import { read } from "./reading.ts";
import { TOPICS, type Topic } from "./taxonomy.ts";

const decision = (weights: Record<string, number>, bias = -0.5): Decision => ({ bias, weights, threshold: 0.5 });

/** A small classifier as training writes one: weights in thousandths, features in code-unit order. */
function small(weights: Record<string, number> = { "c:landmine": 1.25, "lang:en": -0.003 }): ClassifierModel {
  const topics = {} as Record<Topic, Decision>;
  for (const topic of TOPICS) topics[topic] = decision({}, -1);
  topics.casualties = decision({ "c:kill": 0.75, "c:landmine": 0.2 }, -0.25);
  topics["treaty-status"] = { ...decision({ "c:withdraw": 32.767 }), threshold: 0.4 };
  return { version: "small", relevance: decision(weights), topics };
}

describe("the stored classifier", () => {
  it("keeps every weight, bias and threshold, and gives back the records training wrote", () => {
    const model = small();
    const stored = packClassifier(model);
    expect(stored.features).toEqual(["c:landmine", "lang:en", "c:withdraw", "c:kill"]);
    expect(stored.models.map((entry) => entry.name)).toEqual(["relevance", ...TOPICS]);
    expect(JSON.stringify(unpackClassifier(stored))).toBe(JSON.stringify(model));
  });

  it("is the committed classifier, packed again the same", () => {
    expect(packClassifier(unpackClassifier(STORED_CLASSIFIER))).toEqual(STORED_CLASSIFIER);
  });

  it("judges as the records do, and says what a feature weighs in each model", () => {
    const model = small();
    const classifier = compileClassifier(model);
    const reading = read({ title: "Landmine kills two in Cambodia", language: "en" });
    expect(judge(reading, classifier)).toEqual(judgeByFeatures(reading, model));
    expect(weightOf(classifier, "relevance", "c:landmine")).toBe(1.25);
    expect(weightOf(classifier, "casualties", "c:landmine")).toBe(0.2);
    expect(weightOf(classifier, "casualties", "lang:en")).toBe(0);
    expect(weightOf(classifier, "treaty-status", "c:withdraw")).toBe(32.767);
    expect(weightOf(classifier, "relevance", "c:unheard-of")).toBe(0);
    expect(classifier.thresholds[1]).toBe(0.4);
  });

  it("refuses a weight it cannot keep exactly", () => {
    expect(() => packClassifier(small({ "c:landmine": 0.0005 }))).toThrow(/c:landmine/);
    expect(() => packClassifier(small({ "c:landmine": 40 }))).toThrow(/not a whole number of thousandths/);
  });

  it("refuses a file whose models or weights do not fit together", () => {
    const stored = packClassifier(small());
    expect(() => loadClassifier({ ...stored, models: stored.models.slice(1) })).toThrow(/expected relevance, then/);
    expect(() => loadClassifier({ ...stored, features: [...stored.features, "c:extra"] })).toThrow(
      /bytes of weights; expected/,
    );
    expect(() => unpackClassifier({ ...stored, weights: "" })).toThrow(/0 bytes of weights/);
  });
});
