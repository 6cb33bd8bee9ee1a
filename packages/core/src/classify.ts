import { type Classifier, chooseTopics, committedClassifier, judge, judgedRelevant } from "./classifier-model.ts";
import { type Fingerprint, type FingerprintItem, fingerprint } from "./cluster.ts";
import { type ConceptId, conceptKind } from "./concepts.ts";
import { type Reading, type ReadingInput, read } from "./reading.ts";
import { categoriesFor, type Topic, type TreatyId } from "./taxonomy.ts";
import type { Cue, Verdict } from "./types.ts";

/** Changes with the rules (lexicon, treaties, countries) and with the trained weights. */
export const RULES_VERSION = "2026.12.3";

/** Which rules and weights made a verdict: the rules' version and the classifier's digest. */
export function classifierVersion(classifier: Classifier = committedClassifier()): string {
  return `${RULES_VERSION}+${classifier.version}`;
}

export type ClassifyInput = ReadingInput;

/** Treaties whose news belongs to other arms control rather than landmines or cluster munitions. */
export const OTHER_ARMS_CONTROL_TREATIES: ReadonlySet<TreatyId> = new Set([
  "ccw",
  "att",
  "ctbt",
  "new-start",
  "npt",
  "inf",
]);

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Topics that follow from what an item names, whatever the model says: anything about cluster
 * munitions is about them, and the nuclear and arms-trade treaties are other arms control.
 */
function namedTopics(reading: Reading): Topic[] {
  const topics: Topic[] = [];
  if (
    reading.concepts.some((concept) => concept.target === "cluster-munition") ||
    reading.treaties.some((t) => t.treaty === "ccm")
  ) {
    topics.push("cluster-munitions");
  }
  if (reading.treaties.some((treaty) => OTHER_ARMS_CONTROL_TREATIES.has(treaty.treaty)))
    topics.push("other-arms-control");
  return topics;
}

/** What the item said that weighed most for a topic, so `why` can quote it. */
function topicEvidence(reading: Reading, topic: Topic, classifier: Classifier): string {
  let best: { match: string; weight: number } | undefined;
  for (const concept of reading.concepts) {
    const weight = classifier.weightOf(topic, `c:${concept.target}`);
    if (weight > 0 && (!best || weight > best.weight)) best = { match: concept.match, weight };
  }
  return best?.match ?? reading.analysis.text.slice(0, 80);
}

function conceptCues(reading: Reading, classifier: Classifier): Cue[] {
  const cues: Cue[] = [];
  const seen = new Set<ConceptId>();
  for (const concept of reading.concepts) {
    if (seen.has(concept.target)) continue;
    seen.add(concept.target);
    const weight = round(classifier.weightOf("relevance", `c:${concept.target}`));
    // Words of a neighbouring subject that count against relevance say what the item is instead.
    const kind = conceptKind(concept.target) === "domain" && weight < 0 ? "veto" : "context";
    cues.push({ kind, target: concept.target, match: concept.match, weight });
  }
  return cues;
}

/** The verdict on a reading: relevance and topics from the model, the rest from what the item names. */
export function verdictOf(reading: Reading, classifier: Classifier = committedClassifier()): Verdict {
  const judged = judge(reading, classifier);
  const relevant = judgedRelevant(judged, classifier);
  const topics = relevant ? [...new Set([...chooseTopics(judged, classifier), ...namedTopics(reading)])] : [];
  const treaties = relevant ? reading.treaties.map((match) => match.treaty) : [];
  const countries = relevant ? reading.countries : [];

  const why: Cue[] = [
    {
      kind: "context",
      target: "model",
      match: `relevance ${judged.relevance.toFixed(2)}`,
      weight: round(judged.relevance),
    },
    ...conceptCues(reading, classifier),
    ...reading.treaties.map(
      (match): Cue => ({
        kind: "treaty",
        target: match.treaty,
        match: match.match,
        weight: round(classifier.weightOf("relevance", `tr:${match.treaty}`)),
      }),
    ),
    ...topics.map((topic): Cue => {
      const probability = judged.topics.find((entry) => entry.topic === topic)?.probability ?? 1;
      return {
        kind: "topic",
        target: topic,
        match: topicEvidence(reading, topic, classifier),
        weight: round(probability),
      };
    }),
    ...countries.map((country): Cue => ({ kind: "country", target: country.code, match: country.match, weight: 0 })),
  ];

  return {
    relevant,
    score: round(judged.relevance),
    topics,
    categories: relevant ? categoriesFor(topics) : [],
    countries: countries.map((country) => country.code),
    treaties,
    why,
    language: reading.language,
    classifierVersion: classifierVersion(classifier),
  };
}

/** Classifies one item: relevance, score, topics, categories, countries, treaties and why. */
export function classify(input: ClassifyInput): Verdict {
  return verdictOf(read(input));
}

/** An item's verdict and its fingerprint for story assignment, from one reading of it. */
export function assess(item: FingerprintItem): { verdict: Verdict; fingerprint: Fingerprint } {
  const reading = read(item);
  const verdict = verdictOf(reading);
  return { verdict, fingerprint: fingerprint(item, verdict, reading) };
}
