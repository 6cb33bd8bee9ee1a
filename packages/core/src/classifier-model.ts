import { fnv1a } from "./hash.ts";
import { type Example, type LinearModel, logit, sigmoid, type TrainOptions, train } from "./linear-model.ts";
import trained from "./model/classifier.json" with { type: "json" };
import { featuresOf, type Reading } from "./reading.ts";
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
export const TOPIC_THRESHOLD = 0.4;

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

/** What the model says of a reading. */
export function judge(reading: Reading, model: ClassifierModel = CLASSIFIER_MODEL): ModelVerdict {
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
