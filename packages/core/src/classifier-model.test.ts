import { describe, expect, it } from "vitest";
import {
  Classifier,
  type ClassifierModel,
  chooseTopics,
  type Decision,
  judge,
  judgeByFeatures,
  judgedRelevant,
  type ModelVerdict,
  packClassifier,
  type StoredClassifier,
  storedClassifier,
  unpackClassifier,
} from "./classifier-model.ts";
import { read } from "./reading.ts";
import { TOPICS, type Topic } from "./taxonomy.ts";

const decision = (weights: Record<string, number>, bias = -0.5, threshold = 0.5): Decision => ({
  bias,
  weights,
  threshold,
});

/** A small classifier as training writes one: weights in thousandths, features in code-unit order. */
function small(weights: Record<string, number> = { "c:landmine": 1.25, "lang:en": -0.003 }): ClassifierModel {
  const topics = {} as Record<Topic, Decision>;
  for (const topic of TOPICS) topics[topic] = decision({}, -1);
  topics.casualties = decision({ "c:kill": 0.75, "c:landmine": 0.2 }, -0.25);
  topics["treaty-status"] = decision({ "c:withdraw": 32.767 }, -0.5, 0.4);
  return { version: "small", relevance: decision(weights, -0.5, 0.6), topics };
}

/** A verdict with these probabilities, 0.1 for every topic not given. */
function verdict(relevance: number, topics: Partial<Record<Topic, number>> = {}): ModelVerdict {
  return { relevance, topics: TOPICS.map((topic) => ({ topic, probability: topics[topic] ?? 0.1 })) };
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
    expect(packClassifier(unpackClassifier(storedClassifier()))).toEqual(storedClassifier());
  });

  it("judges as the records do, and says what a feature weighs in each model", () => {
    const model = small();
    const classifier = Classifier.of(model);
    const reading = read({ title: "Landmine kills two in Cambodia", language: "en" });
    expect(judge(reading, classifier)).toEqual(judgeByFeatures(reading, model));
    expect(classifier.weightOf("relevance", "c:landmine")).toBe(1.25);
    expect(classifier.weightOf("casualties", "c:landmine")).toBe(0.2);
    expect(classifier.weightOf("casualties", "lang:en")).toBe(0);
    expect(classifier.weightOf("treaty-status", "c:withdraw")).toBe(32.767);
    expect(classifier.weightOf("relevance", "c:unheard-of")).toBe(0);
  });

  it("holds each model to its own threshold", () => {
    const classifier = Classifier.of(small());
    expect(judgedRelevant(verdict(0.55), classifier)).toBe(false);
    expect(judgedRelevant(verdict(0.6), classifier)).toBe(true);
    // treaty-status answers yes from 0.4, casualties from 0.5.
    expect(chooseTopics(verdict(0.9, { "treaty-status": 0.45, casualties: 0.48 }), classifier)).toEqual([
      "treaty-status",
    ]);
    expect(chooseTopics(verdict(0.9, { casualties: 0.3 }), classifier)).toEqual(["casualties"]);
  });

  it("refuses a weight it cannot keep exactly", () => {
    expect(() => packClassifier(small({ "c:landmine": 0.0005 }))).toThrow(/c:landmine is not a whole number/);
    expect(() => packClassifier(small({ "c:landmine": 40 }))).toThrow(/c:landmine is beyond ±32.767/);
  });

  it("refuses a file it cannot read exactly, saying what is wrong and how to mend it", () => {
    const stored = packClassifier(small());
    const refused = (file: unknown, why: RegExp) => {
      expect(() => new Classifier(file as StoredClassifier)).toThrow(why);
      expect(() => new Classifier(file as StoredClassifier)).toThrow(/retrain with `npx treatywatch train`/);
    };
    refused(unpackClassifier(stored), /not in the format this version reads/);
    refused({ ...stored, models: stored.models.slice(1) }, /this version judges with relevance, then/);
    refused(
      { ...stored, models: stored.models.map((model, at) => (at === 2 ? { ...model, threshold: undefined } : model)) },
      /gives the mine-use model no finite bias or threshold/,
    );
    refused({ ...stored, features: [...stored.features, "c:extra"] }, /its features and models need/);
    refused({ ...stored, features: [...stored.features.slice(1), stored.features[1]] }, /names a feature twice/);
    // A decoder skips what is not base64, which would shift every row after it.
    refused({ ...stored, weights: `${stored.weights.slice(0, 8)}!!!!${stored.weights.slice(8)}` }, /not canonical/);
    refused({ ...stored, weights: "" }, /holds 0 bytes of weights/);
  });
});
