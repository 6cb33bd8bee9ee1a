import { findCountries } from "./countries.ts";
import {
  AMBIGUOUS_CUES,
  CONFLICT_CONTEXT,
  NON_CONFLICT_CONTEXT,
  OTHER_ARMS_CONTROL_TREATIES,
  STRONG_CUES,
  TOPIC_CUES,
  TREATY_CUES,
  VETOES,
} from "./lexicon.ts";
import { type Category, categoriesFor, type Topic, type TreatyId } from "./taxonomy.ts";
import { foldForMatching } from "./text.ts";
import type { Cue, Verdict } from "./types.ts";

/** Changes whenever the rules change, so stored verdicts can be re-classified. */
export const CLASSIFIER_VERSION = "2026.11.3";

export interface ClassifyInput {
  title: string;
  summary?: string | undefined;
}

/** Weight an item needs from anchoring cues to be relevant. */
const RELEVANCE_THRESHOLD = 3;
const STRONG_WEIGHT = 3;
const TREATY_WEIGHT = 3;
/** A landmine word with nothing around it to say whether it is literal. */
const BARE_LANDMINE_WEIGHT = 3;
const BARE_AMBIGUOUS_WEIGHT = 1;

/** The word-start guard every lexicon pattern opens with. */
const WORD_START = "(?<![\\p{L}\\p{N}])";

/**
 * One pattern that matches wherever any of the named ones does (and a little more: without
 * their word-start guard, which stops the regex engine skipping ahead), so that a text none
 * of them matches, as most texts for most families, is scanned once rather than once a pattern.
 */
function anyOf(patterns: ReadonlyArray<readonly [string, RegExp]>): RegExp {
  const loosened = patterns.map(([, { source }]) =>
    source.startsWith(WORD_START) ? source.slice(WORD_START.length) : source,
  );
  return new RegExp(loosened.map((source) => `(?:${source})`).join("|"), "iu");
}

const ANY_VETO = anyOf(VETOES);
const ANY_TREATY = anyOf(TREATY_CUES);
const ANY_STRONG = anyOf(STRONG_CUES);
const ANY_AMBIGUOUS = anyOf(AMBIGUOUS_CUES);
const ANY_TOPIC = anyOf(TOPIC_CUES);

function firstMatch(pattern: RegExp, text: string): string | undefined {
  pattern.lastIndex = 0;
  return pattern.exec(text)?.[0];
}

/** Blanks every veto phrase (keeping offsets) and records each as a cue. */
function applyVetoes(text: string, why: Cue[]): string {
  if (!ANY_VETO.test(text)) return text;
  let result = text;
  for (const [name, pattern] of VETOES) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, (match) => {
      why.push({ kind: "veto", target: name, match, weight: 0 });
      return " ".repeat(match.length);
    });
  }
  return result;
}

/** Blanks one cue's matches so that context is read from the rest of the text. */
function without(text: string, pattern: RegExp): string {
  pattern.lastIndex = 0;
  return text.replace(pattern, (match) => " ".repeat(match.length));
}

/**
 * What a landmine word is worth given its surroundings: full weight next to a
 * battlefield, a border or a clearance site; nothing beside mining, politics,
 * games or the gym; a little when nothing says either way.
 */
function ambiguousWeight(
  name: string,
  pattern: RegExp,
  text: string,
  strongSoFar: number,
  why: Cue[],
): { weight: number; context?: string } {
  const rest = without(text, pattern);
  const conflict = firstMatch(CONFLICT_CONTEXT, rest);
  const other = firstMatch(NON_CONFLICT_CONTEXT, rest);
  if (strongSoFar > 0 || (conflict && !other)) return { weight: STRONG_WEIGHT, context: conflict };
  if (other && !conflict) {
    why.push({ kind: "veto", target: `${name}-out-of-context`, match: other, weight: 0 });
    return { weight: 0 };
  }
  if (conflict && other) {
    // Both kinds of word: a mining or metaphor word outweighs one conflict word.
    return /mine|miner|mining/.test(other) ? { weight: 0 } : { weight: BARE_AMBIGUOUS_WEIGHT, context: conflict };
  }
  return { weight: name === "landmine" ? BARE_LANDMINE_WEIGHT : BARE_AMBIGUOUS_WEIGHT };
}

interface Anchoring {
  weight: number;
  /** Anchored by landmine, cluster munition or clearance cues rather than only nuclear ones. */
  mineDomain: boolean;
  treaties: TreatyId[];
}

/** "New START" in capitals names the treaty even where the folded words could be a fresh beginning. */
const NEW_START_CAPITALS = /(?<![\p{L}])New START(?![\p{L}])/u;
const STRATEGIC_CONTEXT = /nuclear|arms|treaty|warhead|strategic|russia|moscow|kremlin|putin|pact|accord|inspections/gu;

function anchor(text: string, original: string, why: Cue[]): Anchoring {
  let weight = 0;
  let mineDomain = false;
  const treaties: TreatyId[] = [];

  const anyTreaty = ANY_TREATY.test(text);
  for (const [treaty, pattern] of TREATY_CUES) {
    if (!anyTreaty && treaty !== "new-start") continue;
    const match =
      (anyTreaty ? firstMatch(pattern, text) : undefined) ??
      (treaty === "new-start" && firstMatch(STRATEGIC_CONTEXT, text)
        ? NEW_START_CAPITALS.exec(original)?.[0]
        : undefined);
    if (!match) continue;
    treaties.push(treaty);
    weight += TREATY_WEIGHT;
    if (!OTHER_ARMS_CONTROL_TREATIES.has(treaty)) mineDomain = true;
    why.push({ kind: "treaty", target: treaty, match, weight: TREATY_WEIGHT });
  }
  for (const [name, pattern] of ANY_STRONG.test(text) ? STRONG_CUES : []) {
    const match = firstMatch(pattern, text);
    if (!match) continue;
    weight += STRONG_WEIGHT;
    if (name !== "nuclear-testing" && name !== "arms-control") mineDomain = true;
    why.push({ kind: "context", target: name, match, weight: STRONG_WEIGHT });
  }
  for (const [name, pattern] of ANY_AMBIGUOUS.test(text) ? AMBIGUOUS_CUES : []) {
    const match = firstMatch(pattern, text);
    if (!match) continue;
    const judged = ambiguousWeight(name, pattern, text, weight, why);
    if (judged.weight === 0) continue;
    weight += judged.weight;
    mineDomain = true;
    why.push({ kind: "context", target: name, match, weight: judged.weight });
    if (judged.context) why.push({ kind: "context", target: "conflict-context", match: judged.context, weight: 0 });
  }
  return { weight, mineDomain, treaties };
}

/** Topics that only make sense for landmines, cluster munitions and explosive remnants. */
const MINE_DOMAIN_TOPICS: ReadonlySet<Topic> = new Set([
  "advocacy-humanitarian",
  "mine-use",
  "stockpile-transfer",
  "clearance",
]);

function topicsOf(text: string, anchoring: Anchoring, why: Cue[]): Topic[] {
  const topics = new Set<Topic>();
  const mineTreaty = anchoring.treaties.some((treaty) => !OTHER_ARMS_CONTROL_TREATIES.has(treaty));
  for (const [topic, pattern] of ANY_TOPIC.test(text) ? TOPIC_CUES : []) {
    // Treaty status is about the landmine and cluster munition treaties; the rest is other arms control.
    if (topic === "treaty-status" && !mineTreaty) continue;
    if (MINE_DOMAIN_TOPICS.has(topic) && !anchoring.mineDomain) continue;
    const match = firstMatch(pattern, text);
    if (!match) continue;
    topics.add(topic);
    why.push({ kind: "topic", target: topic, match, weight: 1 });
  }
  if (anchoring.treaties.includes("ccm")) topics.add("cluster-munitions");
  if (anchoring.treaties.some((treaty) => OTHER_ARMS_CONTROL_TREATIES.has(treaty))) topics.add("other-arms-control");
  return [...topics];
}

/** Classifies one item: relevance, score, topics, categories, countries, treaties and why. */
export function classify(input: ClassifyInput): Verdict {
  const original = `${input.title}. ${input.summary ?? ""}`;
  const why: Cue[] = [];
  const text = applyVetoes(foldForMatching(original), why);
  const anchoring = anchor(text, original, why);
  const relevant = anchoring.weight >= RELEVANCE_THRESHOLD;
  const topics = relevant ? topicsOf(text, anchoring, why) : [];
  const score = Math.round((1 - Math.exp(-(anchoring.weight + topics.length * 0.5) / 3)) * 1000) / 1000;

  const countries = relevant ? findCountries(original) : [];
  for (const country of countries) {
    why.push({ kind: "country", target: country.code, match: country.match, weight: 0 });
  }
  const categories: Category[] = relevant ? categoriesFor(topics) : [];

  return {
    relevant,
    score,
    topics,
    categories,
    countries: countries.map((country) => country.code),
    treaties: relevant ? anchoring.treaties : [],
    why,
    classifierVersion: CLASSIFIER_VERSION,
  };
}
