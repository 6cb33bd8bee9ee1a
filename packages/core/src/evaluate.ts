import { BatchClassifier, type BatchInput, type BatchOutput } from "./batch.ts";
import { TOPICS, type Topic } from "./taxonomy.ts";
import type { Timestamp } from "./types.ts";

/** What a specialist says of one item: is it on-topic, which topics, which story. */
export interface EvalLabel {
  relevant: boolean;
  topics: Topic[];
  /** The event the item reports; items of one event share it, across outlets and languages. */
  story: string;
  /** Where the labelled set says which countries and treaties an item is about. */
  countries?: string[] | undefined;
  treaties?: string[] | undefined;
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

/** The scores of one slice of a labelled set (all of it, or one language). */
export interface SliceReport {
  items: number;
  relevance: PrecisionRecall & Counts;
  /** Micro-averaged over the items a specialist marked relevant. */
  topics: PrecisionRecall & Counts;
  /** B-cubed over every item of the slice, look-alikes too. */
  stories: PrecisionRecall;
  /** Over relevant items, where the set labels them. */
  countries?: (PrecisionRecall & Counts) | undefined;
  treaties?: (PrecisionRecall & Counts) | undefined;
}

export interface EvalReport extends SliceReport {
  perTopic: Record<Topic, PrecisionRecall & Counts>;
  byLanguage: Record<string, SliceReport>;
  /**
   * B-cubed recall over the items of events reported in two or more languages: how much of
   * each such event its items found in their own story. Absent when the set has none.
   */
  crossLanguageRecall?: number | undefined;
  /** Ids whose relevance, topics or story were wrong. */
  misses: { relevance: string[]; topics: string[]; stories: string[] };
}

/** What the product promises on real news; `treatywatch eval` reports against these. */
export const EVAL_TARGETS = {
  relevanceF1: 0.97,
  relevanceF1EachLanguage: 0.93,
  topicF1: 0.85,
  storyF1: 0.92,
  crossLanguageRecall: 0.85,
} as const;

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

function groups(keys: readonly string[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const members = byKey.get(key);
    if (members) members.push(index);
    else byKey.set(key, [index]);
  });
  return byKey;
}

/**
 * B-cubed precision and recall of a clustering against gold clusters: for each
 * item, the share of its predicted cluster that is in its gold cluster, and the
 * share of its gold cluster that is in its predicted cluster, averaged.
 */
export function bcubed(assignments: ReadonlyArray<{ predicted: string; gold: string }>): PrecisionRecall {
  if (assignments.length === 0) return { precision: 1, recall: 1, f1: 1 };
  const { precision, recall } = bcubedOver(
    assignments,
    assignments.map((_, index) => index),
  );
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** B-cubed precision and recall averaged over some of the items, their clusters taken whole. */
function bcubedOver(
  assignments: ReadonlyArray<{ predicted: string; gold: string }>,
  over: readonly number[],
): { precision: number; recall: number } {
  const byPredicted = groups(assignments.map((assignment) => assignment.predicted));
  const byGold = groups(assignments.map((assignment) => assignment.gold));
  let precision = 0;
  let recall = 0;
  for (const index of over) {
    const assignment = assignments[index];
    if (!assignment) continue;
    const predicted = byPredicted.get(assignment.predicted) ?? [];
    const gold = new Set(byGold.get(assignment.gold) ?? []);
    const shared = predicted.filter((member) => gold.has(member)).length;
    precision += shared / predicted.length;
    recall += shared / gold.size;
  }
  return { precision: precision / (over.length || 1), recall: recall / (over.length || 1) };
}

function slice(items: readonly LabelledItem[], outputs: readonly BatchOutput[]): SliceReport {
  let relevance = ZERO;
  let topics = ZERO;
  let countries: Counts | undefined;
  let treaties: Counts | undefined;
  items.forEach((item, index) => {
    const output = outputs[index];
    if (!output) return;
    relevance = addCounts(relevance, setCounts(output.relevant ? [true] : [], item.label.relevant ? [true] : []));
    if (!item.label.relevant) return;
    topics = addCounts(topics, setCounts(output.topics, item.label.topics));
    if (item.label.countries)
      countries = addCounts(countries ?? ZERO, setCounts(output.countries, item.label.countries));
    if (item.label.treaties) treaties = addCounts(treaties ?? ZERO, setCounts(output.treaties, item.label.treaties));
  });
  return {
    items: items.length,
    relevance: precisionRecall(relevance),
    topics: precisionRecall(topics),
    stories: bcubed(
      items.map((item, index) => ({ predicted: outputs[index]?.storyId ?? item.id, gold: item.label.story })),
    ),
    countries: countries && precisionRecall(countries),
    treaties: treaties && precisionRecall(treaties),
  };
}

/**
 * Runs labelled items through the batch classifier in order and scores it, overall and
 * per language. Stories are clustered over the whole set at once, as a feed reader would
 * meet them; each language's story score is then read over its own items.
 */
export function evaluate(
  items: readonly LabelledItem[],
  now: Timestamp,
): { report: EvalReport; outputs: BatchOutput[] } {
  const classifier = new BatchClassifier(now);
  const outputs = items
    .map(({ label: _label, ...input }) => classifier.next(input))
    .map((output) => ({ ...output, storyId: classifier.storyOf(output.storyId) }));

  const perTopic = {} as Record<Topic, PrecisionRecall & Counts>;
  for (const topic of TOPICS) {
    let counts = ZERO;
    items.forEach((item, index) => {
      if (!item.label.relevant) return;
      const predicted = outputs[index]?.topics.filter((value) => value === topic) ?? [];
      counts = addCounts(
        counts,
        setCounts(
          predicted,
          item.label.topics.filter((value) => value === topic),
        ),
      );
    });
    perTopic[topic] = precisionRecall(counts);
  }

  const byLanguage: Record<string, SliceReport> = {};
  const languages = [
    ...new Set(items.map((item) => item.language ?? outputs[items.indexOf(item)]?.language ?? "unknown")),
  ];
  for (const language of languages.sort()) {
    const chosen = items.flatMap((item, index) =>
      (item.language ?? outputs[index]?.language ?? "unknown") === language ? [index] : [],
    );
    byLanguage[language] = slice(
      chosen.map((index) => items[index] as LabelledItem),
      chosen.map((index) => outputs[index] as BatchOutput),
    );
  }

  const assignments = items.map((item, index) => ({
    predicted: outputs[index]?.storyId ?? item.id,
    gold: item.label.story,
  }));
  const languagesOfStory = new Map<string, Set<string>>();
  items.forEach((item) => {
    const seen = languagesOfStory.get(item.label.story) ?? new Set<string>();
    seen.add(item.language ?? "unknown");
    languagesOfStory.set(item.label.story, seen);
  });
  const crossLanguage = items.flatMap((item, index) =>
    (languagesOfStory.get(item.label.story)?.size ?? 0) > 1 ? [index] : [],
  );

  const misses: EvalReport["misses"] = { relevance: [], topics: [], stories: [] };
  const goldOf = new Map<string, string>();
  const predictedOf = new Map<string, string>();
  for (const assignment of assignments) {
    if (!goldOf.has(assignment.predicted)) goldOf.set(assignment.predicted, assignment.gold);
    if (!predictedOf.has(assignment.gold)) predictedOf.set(assignment.gold, assignment.predicted);
  }
  items.forEach((item, index) => {
    const output = outputs[index];
    const assignment = assignments[index];
    if (!output || !assignment) return;
    if (output.relevant !== item.label.relevant) misses.relevance.push(item.id);
    const topics = setCounts(output.topics, item.label.topics);
    if (item.label.relevant && topics.falsePositive + topics.falseNegative > 0) misses.topics.push(item.id);
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
      ...slice(items, outputs),
      perTopic,
      byLanguage,
      crossLanguageRecall: crossLanguage.length > 0 ? bcubedOver(assignments, crossLanguage).recall : undefined,
      misses,
    },
  };
}

/** Figures a report is held to: the product's targets, or the floors CI keeps the frozen split above. */
export type EvalThresholds = { readonly [Key in keyof typeof EVAL_TARGETS]: number };

/** The thresholds a report falls short of, worded for people; empty when it meets them all. */
export function missedTargets(report: EvalReport, targets: EvalThresholds = EVAL_TARGETS): string[] {
  const missed: string[] = [];
  const check = (name: string, value: number | undefined, target: number) => {
    if (value !== undefined && value < target) missed.push(`${name} ${value.toFixed(3)} < ${target}`);
  };
  check("relevance F1", report.relevance.f1, targets.relevanceF1);
  for (const [language, scores] of Object.entries(report.byLanguage)) {
    check(`relevance F1 (${language})`, scores.relevance.f1, targets.relevanceF1EachLanguage);
  }
  check("topic F1", report.topics.f1, targets.topicF1);
  check("story B-cubed F1", report.stories.f1, targets.storyF1);
  check("cross-language story recall", report.crossLanguageRecall, targets.crossLanguageRecall);
  return missed;
}
