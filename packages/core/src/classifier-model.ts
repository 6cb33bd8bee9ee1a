import { readStoredClassifier } from "#classifier-weights";
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
 * The classifier as `treatywatch train` writes it (classifier.json) and every process loads it:
 * each feature's row of weights, one for each model, rather than a record of weights a model.
 * Training rounds every weight to thousandths, so a row is kept as whole thousandths in 16 bits;
 * loading it is one base64 decode where the records took V8 about 45 ms to parse and as long
 * again to lay out, on the fetch function's cold start.
 */
export interface StoredClassifier {
  version: string;
  /** The models in the order of a row's weights: relevance, then each topic. */
  models: Array<{ name: "relevance" | Topic; bias: number; threshold: number }>;
  /** Every feature a model weighs, in the order of their rows. */
  features: string[];
  /** The rows, feature after feature: each weight in thousandths, a 16-bit little-endian integer, in base64. */
  weights: string;
}

const THOUSANDTHS = 1000;
const WEIGHT_BYTES = 2;

const decisionsOf = (model: ClassifierModel): Decision[] => [
  model.relevance,
  ...TOPICS.map((topic) => model.topics[topic]),
];

/** A trained classifier as it is stored; throws for a weight training could not have written. */
export function packClassifier(model: ClassifierModel): StoredClassifier {
  const decisions = decisionsOf(model);
  const rowOf = new Map<string, number>();
  for (const decision of decisions) {
    for (const feature of Object.keys(decision.weights)) if (!rowOf.has(feature)) rowOf.set(feature, rowOf.size);
  }
  const rows = Buffer.alloc(rowOf.size * decisions.length * WEIGHT_BYTES);
  decisions.forEach((decision, position) => {
    for (const [feature, weight] of Object.entries(decision.weights)) {
      const thousandths = Math.round(weight * THOUSANDTHS);
      if (thousandths / THOUSANDTHS !== weight) {
        throw new RangeError(`weight ${weight} of ${feature} is not a whole number of thousandths`);
      }
      if (Math.abs(thousandths) > 0x7fff) throw new RangeError(`weight ${weight} of ${feature} is beyond ±32.767`);
      rows.writeInt16LE(thousandths, ((rowOf.get(feature) as number) * decisions.length + position) * WEIGHT_BYTES);
    }
  });
  return {
    version: model.version,
    models: decisions.map((decision, position) => ({
      name: position === 0 ? "relevance" : (TOPICS[position - 1] as Topic),
      bias: decision.bias,
      threshold: decision.threshold,
    })),
    features: [...rowOf.keys()],
    weights: rows.toString("base64"),
  };
}

/** Where a model's weights sit in a row, by its name. */
const MODEL_POSITIONS: ReadonlyMap<"relevance" | Topic, number> = new Map([
  ["relevance", 0],
  ...TOPICS.map((topic, position): [Topic, number] => [topic, position + 1]),
]);

const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/**
 * The weights of a stored classifier, row after row, once everything in it is checked: the models this code
 * judges with, in its order, each with a finite bias and threshold; features named once each;
 * and exactly their rows of weights in canonical base64 (a decoder skips what is not base64,
 * which would shift every row after it). Throws, saying what is wrong and how to mend it.
 */
function storedWeights(stored: StoredClassifier): Float64Array {
  const fail = (what: string): never => {
    throw new Error(`classifier.json ${what}; retrain with \`npx treatywatch train\``);
  };
  const { version, models, features, weights } = stored as Partial<StoredClassifier>;
  if (
    typeof version !== "string" ||
    !Array.isArray(models) ||
    !Array.isArray(features) ||
    typeof weights !== "string"
  ) {
    fail("is not in the format this version reads (version, models, features and weights)");
  }
  const names = (models as StoredClassifier["models"]).map((model) => model?.name);
  if (names.length !== MODEL_POSITIONS.size || names.some((name, at) => MODEL_POSITIONS.get(name) !== at)) {
    fail(`holds the models ${names.join(", ")}; this version judges with relevance, then ${TOPICS.join(", ")}`);
  }
  for (const model of models as StoredClassifier["models"]) {
    if (!isFiniteNumber(model.bias) || !isFiniteNumber(model.threshold)) {
      fail(`gives the ${model.name} model no finite bias or threshold`);
    }
  }
  const named = new Set<unknown>(features);
  if (named.size !== (features as unknown[]).length || (features as unknown[]).some((f) => typeof f !== "string")) {
    fail("names a feature twice, or one that is not text");
  }
  const rows = Buffer.from(weights as string, "base64");
  if (rows.toString("base64") !== weights) fail("holds weights that are not canonical base64");
  const expected = (features as string[]).length * names.length * WEIGHT_BYTES;
  if (rows.length !== expected) fail(`holds ${rows.length} bytes of weights; its features and models need ${expected}`);
  const decoded = new Float64Array(rows.length / WEIGHT_BYTES);
  for (let at = 0; at < decoded.length; at++) decoded[at] = rows.readInt16LE(at * WEIGHT_BYTES) / THOUSANDTHS;
  return decoded;
}

/** The records training gave, from a stored classifier: for reading it plainly (`judgeByFeatures`). */
export function unpackClassifier(stored: StoredClassifier): ClassifierModel {
  const rows = storedWeights(stored);
  const width = stored.models.length;
  // Training lists a model's features in code-unit order.
  const inOrder = stored.features
    .map((feature, row) => ({ feature, row }))
    .sort((a, b) => (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
  const decisions = stored.models.map(({ bias, threshold }, position): Decision => {
    const weights: Record<string, number> = {};
    for (const { feature, row } of inOrder) {
      const weight = rows[row * width + position] as number;
      if (weight !== 0) weights[feature] = weight;
    }
    return { bias, weights, threshold };
  });
  const topics = {} as Record<Topic, Decision>;
  TOPICS.forEach((topic, position) => {
    topics[topic] = decisions[position + 1] as Decision;
  });
  return { version: stored.version, relevance: decisions[0] as Decision, topics };
}

/** Row starts kept for each prefix before they are forgotten (stems are many; the rest few). */
const ROWS_KEPT = 100_000;

/** Sums a reading's features into each model's log-odds as they come, each feature once. */
class FeatureSums implements FeatureSink {
  constructor(
    private readonly sums: Float64Array,
    private readonly rows: Float64Array,
    private readonly rowStarts: ReadonlyMap<string, number>,
    private readonly rowsByPrefix: Map<string, Map<string, number>>,
    private readonly summedBy: Uint32Array,
    private readonly judgement: number,
  ) {}

  add(prefix: string, value: string): void {
    let rows = this.rowsByPrefix.get(prefix);
    if (!rows) {
      rows = new Map();
      this.rowsByPrefix.set(prefix, rows);
    }
    let start = rows.get(value);
    if (start === undefined) {
      start = this.rowStarts.get(`${prefix}${value}`) ?? -1;
      if (rows.size >= ROWS_KEPT) rows.clear();
      rows.set(value, start);
    }
    if (start < 0) return;
    const sums = this.sums;
    const row = start / sums.length;
    if (this.summedBy[row] === this.judgement) return;
    this.summedBy[row] = this.judgement;
    const weights = this.rows;
    for (let position = 0; position < sums.length; position++) {
      sums[position] = (sums[position] as number) + (weights[start + position] as number);
    }
  }
}

/**
 * The classifier as it judges: one lookup gives a feature's weight in every model (0 where a
 * model has none), so a reading's features are looked up once rather than once a model. Each
 * model's sum still adds its weights in the order of the features, so the probabilities are
 * those of `logit` over the records to the last bit (a whole number of thousandths divided by
 * a thousand is the double nearest the decimal training wrote).
 */
export class Classifier {
  readonly version: string;
  readonly #biases: Float64Array;
  readonly #thresholds: Float64Array;
  /** Where each feature's row starts in `#rows`; a row has a weight for each model, in `#biases` order. */
  readonly #rowStarts = new Map<string, number>();
  readonly #rows: Float64Array;
  /**
   * Row starts by a feature's prefix and value (-1 for a feature the models lack), filled as
   * features are met: a reading's features are looked up without writing their names.
   */
  readonly #rowsByPrefix = new Map<string, Map<string, number>>();
  /** For each row, the judgement that last summed it: a feature met twice counts once. */
  readonly #summedBy: Uint32Array;
  #judgements = 0;

  /** A stored classifier, checked, ready to judge. */
  constructor(stored: StoredClassifier) {
    this.#rows = storedWeights(stored);
    const width = stored.models.length;
    this.version = stored.version;
    this.#biases = Float64Array.from(stored.models, (model) => model.bias);
    this.#thresholds = Float64Array.from(stored.models, (model) => model.threshold);
    stored.features.forEach((feature, row) => {
      this.#rowStarts.set(feature, row * width);
    });
    this.#summedBy = new Uint32Array(stored.features.length);
  }

  /** A classifier just trained, ready to judge as it will once stored and loaded. */
  static of(model: ClassifierModel): Classifier {
    return new Classifier(packClassifier(model));
  }

  /** The probability from which a model says yes. */
  threshold(model: "relevance" | Topic): number {
    return this.#thresholds[MODEL_POSITIONS.get(model) as number] as number;
  }

  /** A feature's weight in one of the models (0 where it has none), for `why`. */
  weightOf(model: "relevance" | Topic, feature: string): number {
    const start = this.#rowStarts.get(feature);
    return start === undefined ? 0 : (this.#rows[start + (MODEL_POSITIONS.get(model) as number)] as number);
  }

  /** Each model's log-odds for a reading: its features summed as they come, each once. */
  sums(reading: Reading): Float64Array {
    const sums = this.#biases.slice();
    this.#judgements = (this.#judgements + 1) >>> 0;
    if (this.#judgements === 0) {
      this.#summedBy.fill(0);
      this.#judgements = 1;
    }
    // Each model's sum adds the weights of `featuresOf` in its order: a feature's first coming is its place there.
    const sink = new FeatureSums(
      sums,
      this.#rows,
      this.#rowStarts,
      this.#rowsByPrefix,
      this.#summedBy,
      this.#judgements,
    );
    eachFeature(reading, sink);
    return sums;
  }
}

let stored: StoredClassifier | undefined;

/** The committed classifier as it is stored (classifier.json), read when it is first asked for. */
export function storedClassifier(): StoredClassifier {
  stored ??= readStoredClassifier() as StoredClassifier;
  return stored;
}

let committed: Classifier | undefined;

/**
 * The committed classifier, checked and laid out when it first judges rather than when the
 * module loads: a command that retrains it must start whatever state the file is in.
 */
export function committedClassifier(): Classifier {
  committed ??= new Classifier(storedClassifier());
  return committed;
}

/** What the models say of a reading. */
export function judge(reading: Reading, classifier: Classifier = committedClassifier()): ModelVerdict {
  const sums = classifier.sums(reading);
  return {
    relevance: sigmoid(sums[0] as number),
    topics: TOPICS.map((topic, position) => ({ topic, probability: sigmoid(sums[position + 1] as number) })),
  };
}

/** `judge` as its definition reads: each model's logistic over the reading's features. For tests of the fast path. */
export function judgeByFeatures(reading: Reading, model: ClassifierModel): ModelVerdict {
  const features = featuresOf(reading);
  const relevance = sigmoid(logit(model.relevance, features));
  const topics = TOPICS.map((topic) => ({ topic, probability: sigmoid(logit(model.topics[topic], features)) }));
  return { relevance, topics };
}

/** Whether the relevance model says yes. */
export function judgedRelevant(verdict: ModelVerdict, classifier: Classifier = committedClassifier()): boolean {
  return verdict.relevance >= classifier.threshold("relevance");
}

/**
 * The topics of a relevant item: each whose probability passes its threshold, or the likeliest
 * one when none does, since a relevant item is always about something.
 */
export function chooseTopics(verdict: ModelVerdict, classifier: Classifier = committedClassifier()): Topic[] {
  const chosen = verdict.topics.filter(({ topic, probability }) => probability >= classifier.threshold(topic));
  if (chosen.length > 0) return chosen.map(({ topic }) => topic);
  const likeliest = [...verdict.topics].sort((a, b) => b.probability - a.probability)[0];
  return likeliest ? [likeliest.topic] : [];
}
