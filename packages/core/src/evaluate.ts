import { BatchClassifier, type BatchInput, type BatchOutput } from "./batch.ts";
import { TOPICS, type Topic } from "./taxonomy.ts";
import type { Timestamp } from "./types.ts";

/** What a specialist says of one item: is it on-topic, which topics, which story. */
export interface EvalLabel {
  relevant: boolean;
  topics: Topic[];
  story: string;
}

export type LabelledItem = BatchInput & { label: EvalLabel };

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

export interface Counts {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
}

export interface EvalReport {
  items: number;
  relevance: PrecisionRecall & Counts;
  topics: PrecisionRecall & Counts;
  perTopic: Record<Topic, PrecisionRecall & Counts>;
  stories: PrecisionRecall;
  /** Ids whose relevance was wrong, then ids whose topics were wrong. */
  misses: { relevance: string[]; topics: string[]; stories: string[] };
}

export const EVAL_TARGETS = { relevanceF1: 0.95, topicF1: 0.85, storyF1: 0.9 } as const;

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/** Precision, recall and F1 from counts; an empty side counts as perfect. */
export function precisionRecall(counts: Counts): PrecisionRecall & Counts {
  const precision = ratio(counts.truePositive, counts.truePositive + counts.falsePositive);
  const recall = ratio(counts.truePositive, counts.truePositive + counts.falseNegative);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...counts, precision, recall, f1 };
}

/** Set-based counts: each label in `predicted` and not in `expected` is a false positive, and so on. */
export function setCounts<T>(predicted: readonly T[], expected: readonly T[]): Counts {
  const truePositive = predicted.filter((value) => expected.includes(value)).length;
  return {
    truePositive,
    falsePositive: predicted.length - truePositive,
    falseNegative: expected.filter((value) => !predicted.includes(value)).length,
  };
}

function addCounts(a: Counts, b: Counts): Counts {
  return {
    truePositive: a.truePositive + b.truePositive,
    falsePositive: a.falsePositive + b.falsePositive,
    falseNegative: a.falseNegative + b.falseNegative,
  };
}

const ZERO: Counts = { truePositive: 0, falsePositive: 0, falseNegative: 0 };

/**
 * B-cubed precision and recall of a clustering against gold clusters: for each
 * item, the share of its predicted cluster that is in its gold cluster, and the
 * share of its gold cluster that is in its predicted cluster, averaged.
 */
export function bcubed(assignments: ReadonlyArray<{ predicted: string; gold: string }>): PrecisionRecall {
  if (assignments.length === 0) return { precision: 1, recall: 1, f1: 1 };
  const byPredicted = new Map<string, number[]>();
  const byGold = new Map<string, number[]>();
  assignments.forEach((assignment, index) => {
    byPredicted.set(assignment.predicted, [...(byPredicted.get(assignment.predicted) ?? []), index]);
    byGold.set(assignment.gold, [...(byGold.get(assignment.gold) ?? []), index]);
  });
  let precision = 0;
  let recall = 0;
  for (const assignment of assignments) {
    const predicted = byPredicted.get(assignment.predicted) ?? [];
    const gold = byGold.get(assignment.gold) ?? [];
    const shared = predicted.filter((index) => gold.includes(index)).length;
    precision += shared / predicted.length;
    recall += shared / gold.length;
  }
  precision /= assignments.length;
  recall /= assignments.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * Runs labelled items through the batch classifier in order and scores it.
 * Topics are scored over items a specialist marked relevant; stories over all items,
 * so a look-alike folded into a real story costs story precision.
 */
export function evaluate(
  items: readonly LabelledItem[],
  now: Timestamp,
): { report: EvalReport; outputs: BatchOutput[] } {
  const classifier = new BatchClassifier(now);
  const outputs = items.map(({ label: _label, ...input }) => classifier.next(input));
  let relevance = ZERO;
  let topics = ZERO;
  const perTopic = Object.fromEntries(TOPICS.map((topic) => [topic, ZERO])) as Record<Topic, Counts>;
  const misses: EvalReport["misses"] = { relevance: [], topics: [], stories: [] };

  items.forEach((item, index) => {
    const output = outputs[index];
    if (!output) return;
    relevance = addCounts(relevance, setCounts(output.relevant ? [true] : [], item.label.relevant ? [true] : []));
    if (output.relevant !== item.label.relevant) misses.relevance.push(item.id);
    if (!item.label.relevant) return;
    const counts = setCounts(output.topics, item.label.topics);
    topics = addCounts(topics, counts);
    if (counts.falsePositive + counts.falseNegative > 0) misses.topics.push(item.id);
    for (const topic of TOPICS) {
      perTopic[topic] = addCounts(
        perTopic[topic],
        setCounts(
          output.topics.filter((value) => value === topic),
          item.label.topics.filter((value) => value === topic),
        ),
      );
    }
  });

  const assignments = items.map((item, index) => ({
    predicted: outputs[index]?.storyId ?? item.id,
    gold: item.label.story,
  }));
  const goldOf = new Map<string, string>();
  const predictedOf = new Map<string, string>();
  for (const assignment of assignments) {
    if (!goldOf.has(assignment.predicted)) goldOf.set(assignment.predicted, assignment.gold);
    if (!predictedOf.has(assignment.gold)) predictedOf.set(assignment.gold, assignment.predicted);
  }
  items.forEach((item, index) => {
    const assignment = assignments[index];
    if (!assignment) return;
    if (
      goldOf.get(assignment.predicted) !== assignment.gold ||
      predictedOf.get(assignment.gold) !== assignment.predicted
    ) {
      misses.stories.push(item.id);
    }
  });

  return {
    outputs,
    report: {
      items: items.length,
      relevance: precisionRecall(relevance),
      topics: precisionRecall(topics),
      perTopic: Object.fromEntries(TOPICS.map((topic) => [topic, precisionRecall(perTopic[topic])])) as Record<
        Topic,
        PrecisionRecall & Counts
      >,
      stories: bcubed(assignments),
      misses,
    },
  };
}

/** Whether a report meets the targets. */
export function meetsTargets(report: EvalReport): boolean {
  return (
    report.relevance.f1 >= EVAL_TARGETS.relevanceF1 &&
    report.topics.f1 >= EVAL_TARGETS.topicF1 &&
    report.stories.f1 >= EVAL_TARGETS.storyF1
  );
}
