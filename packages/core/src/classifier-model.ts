import trained from "#classifier-weights";
import { fnv1a } from "./hash.ts";
import { type Example, type LinearModel, logit, sigmoid, type TrainOptions, train } from "./linear-model.ts";
import { eachFeature, type FeatureSink, featuresOf, type Reading } from "./reading.ts";
import { TOPICS, type Topic } from "./taxonomy.ts";

/** A linear model and the probability from which its answer is yes. */
export interface Decision extends LinearModel {
  threshold: number;
}

/** The classifier's learned half: is an item on-topic, and which topics it reports. */
export interface ClassifierModel {
  /** A digest of the weights, so stored verdicts can tell which model made them. */
  version: string;
  relevance: Decision;
  topics: Record<Topic, Decision>;
}

export const CLASSIFIER_MODEL: ClassifierModel = trained as ClassifierModel;

/** One labelled item as training reads it. */
export interface TrainingItem {
  reading: Reading;
  relevant: boolean;
  topics: readonly Topic[];
  /** How much the item counts; 1 unless a set is to weigh more or less. */
  weight?: number | undefined;
}

/**
 * L2 is light and the number of passes bounded: with a thousand items and several thousand
 * features, stopping early regularises better than a heavy penalty (grouped cross-validation
 * over the training sets chose these).
 */
export const CLASSIFIER_TRAINING: TrainOptions = { l2: 0.0003, epochs: 300, learningRate: 0.3, prune: 0.02 };
export const RELEVANCE_THRESHOLD = 0.5;
export const TOPIC_THRESHOLD = 0.5;

/** Trains the relevance model on every item and each topic's model on the relevant ones. */
export function trainClassifier(items: readonly TrainingItem[], options = CLASSIFIER_TRAINING): ClassifierModel {
  const features = items.map((item) => featuresOf(item.reading));
  const relevance: Decision = {
    ...train(
      items.map(
        (item, index): Example => ({ features: features[index] ?? [], label: item.relevant, weight: item.weight }),
      ),
      options,
    ),
    threshold: RELEVANCE_THRESHOLD,
  };
  const topics = {} as Record<Topic, Decision>;
  for (const topic of TOPICS) {
    const examples: Example[] = [];
    items.forEach((item, index) => {
      if (item.relevant)
        examples.push({ features: features[index] ?? [], label: item.topics.includes(topic), weight: item.weight });
    });
    topics[topic] = { ...train(examples, options), threshold: TOPIC_THRESHOLD };
  }
  const version = fnv1a(JSON.stringify({ relevance, topics })).toString(36);
  return { version, relevance, topics };
}

export interface ModelVerdict {
  relevance: number;
  /** Each topic's probability, for items judged relevant. */
  topics: Array<{ topic: Topic; probability: number }>;
}

/**
 * The relevance model and the topic models with their weights laid out by feature: one lookup
 * gives a feature's weight in every model (0 where a model has none), so a reading's features
 * are looked up once rather than once a model. Each model's sum still adds its weights in the
 * order of the features, so the probabilities are those of `logit` to the last bit. Every
 * feature's row of weights lies in one array, found by where it starts: a typed array a
 * feature (and its buffer) took 1.8 MB for the trained model, this 0.7 MB.
 */
interface CompiledClassifier {
  biases: Float64Array;
  /** Where each feature's row starts in `rows`; a row has a weight for each model, in `biases` order. */
  rowStarts: Map<string, number>;
  rows: Float64Array;
  /**
   * Row starts by a feature's prefix and value (-1 for a feature the models lack), filled as
   * features are met: a reading's features are looked up without writing their names.
   */
  rowsByPrefix: Map<string, Map<string, number>>;
  /** For each row, the judgement that last summed it: a feature met twice counts once. */
  summedBy: Uint32Array;
  judgements: number;
}

/** Row starts kept for each prefix before they are forgotten (stems are many; the rest few). */
const ROWS_KEPT = 100_000;

/** Sums a reading's features into each model's log-odds as they come, each feature once. */
class FeatureSums implements FeatureSink {
  readonly sums: Float64Array;
  readonly #compiled: CompiledClassifier;
  readonly #judgement: number;

  constructor(compiled: CompiledClassifier) {
    this.#compiled = compiled;
    this.sums = compiled.biases.slice();
    compiled.judgements = (compiled.judgements + 1) >>> 0;
    if (compiled.judgements === 0) {
      compiled.summedBy.fill(0);
      compiled.judgements = 1;
    }
    this.#judgement = compiled.judgements;
  }

  add(prefix: string, value: string): void {
    const compiled = this.#compiled;
    let rows = compiled.rowsByPrefix.get(prefix);
    if (!rows) {
      rows = new Map();
      compiled.rowsByPrefix.set(prefix, rows);
    }
    let start = rows.get(value);
    if (start === undefined) {
      start = compiled.rowStarts.get(`${prefix}${value}`) ?? -1;
      if (rows.size >= ROWS_KEPT) rows.clear();
      rows.set(value, start);
    }
    if (start < 0) return;
    const sums = this.sums;
    const row = start / sums.length;
    if (compiled.summedBy[row] === this.#judgement) return;
    compiled.summedBy[row] = this.#judgement;
    const weights = compiled.rows;
    for (let position = 0; position < sums.length; position++) {
      sums[position] = (sums[position] as number) + (weights[start + position] as number);
    }
  }
}

const compiledClassifiers = new WeakMap<ClassifierModel, CompiledClassifier>();

function compileClassifier(model: ClassifierModel): CompiledClassifier {
  const cached = compiledClassifiers.get(model);
  if (cached) return cached;
  const decisions = [model.relevance, ...TOPICS.map((topic) => model.topics[topic])];
  const rowStarts = new Map<string, number>();
  for (const decision of decisions) {
    for (const feature of Object.keys(decision.weights)) {
      if (!rowStarts.has(feature)) rowStarts.set(feature, rowStarts.size * decisions.length);
    }
  }
  const rows = new Float64Array(rowStarts.size * decisions.length);
  decisions.forEach((decision, position) => {
    for (const [feature, weight] of Object.entries(decision.weights)) {
      rows[(rowStarts.get(feature) as number) + position] = weight;
    }
  });
  const compiled: CompiledClassifier = {
    biases: Float64Array.from(decisions, (decision) => decision.bias),
    rowStarts,
    rows,
    rowsByPrefix: new Map(),
    summedBy: new Uint32Array(rowStarts.size),
    judgements: 0,
  };
  compiledClassifiers.set(model, compiled);
  return compiled;
}

/** What the model says of a reading. */
export function judge(reading: Reading, model: ClassifierModel = CLASSIFIER_MODEL): ModelVerdict {
  // Each model's sum adds the weights of `featuresOf` in its order: a feature's first coming is its place there.
  const features = new FeatureSums(compileClassifier(model));
  eachFeature(reading, features);
  const sums = features.sums;
  return {
    relevance: sigmoid(sums[0] as number),
    topics: TOPICS.map((topic, position) => ({ topic, probability: sigmoid(sums[position + 1] as number) })),
  };
}

/** `judge` as its definition reads: each model's logistic over the reading's features. For tests of the fast path. */
export function judgeByFeatures(reading: Reading, model: ClassifierModel = CLASSIFIER_MODEL): ModelVerdict {
  const features = featuresOf(reading);
  const relevance = sigmoid(logit(model.relevance, features));
  const topics = TOPICS.map((topic) => ({ topic, probability: sigmoid(logit(model.topics[topic], features)) }));
  return { relevance, topics };
}

/**
 * The topics of a relevant item: each whose probability passes its threshold, or the likeliest
 * one when none does, since a relevant item is always about something.
 */
export function chooseTopics(verdict: ModelVerdict, model: ClassifierModel = CLASSIFIER_MODEL): Topic[] {
  const chosen = verdict.topics.filter(({ topic, probability }) => probability >= model.topics[topic].threshold);
  if (chosen.length > 0) return chosen.map(({ topic }) => topic);
  const likeliest = [...verdict.topics].sort((a, b) => b.probability - a.probability)[0];
  return likeliest ? [likeliest.topic] : [];
}
