import { isStopword, romanise } from "./analyse.ts";
import { type ConceptId, conceptKind } from "./concepts.ts";
import { fnv1a } from "./hash.ts";
import { type LinearModel, logit, sigmoid } from "./linear-model.ts";
import trained from "./model/stories.json" with { type: "json" };
import type { Reading } from "./reading.ts";
import { figuresIn } from "./story.ts";
import type { Timestamp, Verdict } from "./types.ts";

/**
 * What the clusterer remembers of one item: small, and enough to tell whether two reports
 * are of one event. Most of it is independent of language (countries, treaties, the kind
 * of event and the weapons, names, figures), so reports in different languages can meet;
 * the stems compare reports in one language.
 */
export interface Fingerprint {
  /** When the event was reported: the item's date, else when it was fetched. */
  at: Timestamp;
  /** `at` is the item's own date rather than the time it was fetched. */
  dated?: boolean | undefined;
  language?: string | undefined;
  relevant?: boolean | undefined;
  countries: string[];
  treaties: string[];
  topics: string[];
  /** Concepts the item mentions: what happened, with what, to whom, and neighbouring subjects. */
  concepts?: string[] | undefined;
  /** Names written with a capital (people, places, organisations), romanised and cut to a key. */
  names?: string[] | undefined;
  /** Numbers that carry news: casualties, hectares, votes. */
  figures?: string[] | undefined;
  /** Years the item names: a yearly report of 2024 is not the one of 2025. */
  years?: string[] | undefined;
  /** Content stems of the headline and lead. */
  terms?: string[] | undefined;
  /** Fingerprints stored before stems were kept carry a MinHash of their words instead. */
  minhash?: number[] | undefined;
}

export interface StoryCandidate {
  storyId: string;
  fingerprints: Fingerprint[];
}

export interface ClusterOptions {
  /** Reports whose own dates lie further apart than this are never one story. */
  windowHours: number;
  /** Probability that two reports are of one event from which an item joins a story. */
  threshold: number;
}

/** The model that weighs how alike two reports are, and the probability from which they are one story. */
export interface StoryModel extends LinearModel {
  threshold: number;
}

export const STORY_MODEL: StoryModel = trained as StoryModel;

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { windowHours: 72, threshold: STORY_MODEL.threshold };

/** Enough of a headline and lead to compare; the rest of a long summary is other news. */
const TERMS_KEPT = 40;

/** A name as a short key that Cyrillic and Latin spellings share: "Magawa" and "Магава" are both "magav". */
export function nameKey(word: string): string {
  return romanise(word)
    .replace(/kh/g, "h")
    .replace(/h/g, "g")
    .replace(/w/g, "v")
    .replace(/[yj]/g, "i")
    .replace(/ck|q/g, "k")
    .replace(/(.)\1+/g, "$1")
    .slice(0, 5);
}

/** Most content words of a headline in title case start with a capital: there a capital says nothing. */
function titleCase(reading: Reading): boolean {
  const words = reading.analysis.tokens.slice(0, reading.titleTokens).filter((token) => token.word.length > 3);
  const capitals = words.filter((token) => reading.analysis.text.charAt(token.start) !== token.word.charAt(0)).length;
  return words.length >= 4 && capitals / words.length > 0.6;
}

/**
 * Names: words written with a capital where a capital is news (not at a sentence's start, not
 * in a title-case headline, not in German, which capitalises every noun), and a headline's
 * first word when it is no common word, since headlines often open with one.
 */
function namesOf(reading: Reading): string[] {
  if (reading.language === "de" || titleCase(reading)) return [];
  // Words already read as a country, a treaty or a concept are counted there.
  const covered = new Set<number>();
  for (const match of [...reading.concepts, ...reading.treaties, ...reading.countries]) {
    for (let at = match.from ?? 0; at < (match.to ?? 0); at++) covered.add(at);
  }
  const { tokens, text } = reading.analysis;
  const names = new Set<string>();
  tokens.forEach((token, at) => {
    if (covered.has(at) || token.word.length < 3 || /\d/.test(token.word)) return;
    const capital = at === 0 ? text.charAt(token.start) !== token.word.charAt(0) : token.capitalised;
    if (!capital || isStopword(token.word, reading.language)) return;
    names.add(nameKey(token.word));
  });
  return [...names].sort();
}

function termsOf(reading: Reading): string[] {
  const terms = new Set<string>();
  for (const token of reading.analysis.tokens) {
    if (token.word.length < 3 || /^\d+$/.test(token.word) || isStopword(token.word, reading.language)) continue;
    terms.add(token.stem);
    if (terms.size >= TERMS_KEPT) break;
  }
  return [...terms].sort();
}

export interface FingerprintItem {
  title: string;
  summary?: string | undefined;
  language?: string | undefined;
  publishedAt?: Timestamp | undefined;
  fetchedAt: Timestamp;
}

/**
 * The fingerprint of an item, from its reading and its verdict (`assess` in classify.ts
 * gives both from one reading).
 */
export function fingerprint(
  item: FingerprintItem,
  verdict: Pick<Verdict, "topics"> & Partial<Pick<Verdict, "relevant">>,
  reading: Reading,
): Fingerprint {
  return {
    at: item.publishedAt ?? item.fetchedAt,
    dated: item.publishedAt !== undefined,
    language: reading.language,
    relevant: verdict.relevant,
    countries: [...new Set(reading.countries.map((country) => country.code))].sort(),
    treaties: [...new Set(reading.treaties.map((treaty) => treaty.treaty))].sort(),
    topics: [...verdict.topics].sort(),
    concepts: [...new Set(reading.concepts.map((concept) => concept.target))].sort(),
    names: namesOf(reading),
    figures: figuresIn(reading.analysis.text).sort(),
    years: [...new Set(reading.analysis.text.match(/(?<!\d)(?:19[89]\d|20[0-4]\d)(?!\d)/g) ?? [])].sort(),
    terms: termsOf(reading),
  };
}

function shared(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (!a || !b) return 0;
  let count = 0;
  for (const value of a) if (b.includes(value)) count++;
  return count;
}

function jaccard(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (!a || !b || a.length + b.length === 0) return 0;
  const both = shared(a, b);
  return both / (a.length + b.length - both);
}

function ofKind(concepts: readonly string[] | undefined, kind: string): string[] {
  return (concepts ?? []).filter((concept) => conceptKind(concept as ConceptId) === kind);
}

/** Cumulative bins: a value of 0.35 sets `name>=0.1`, `name>=0.2` and `name>=0.3`. */
function bins(name: string, value: number, edges: readonly number[], into: string[]): void {
  for (const edge of edges) if (value >= edge) into.push(`${name}>=${edge}`);
}

/**
 * How two lists agree, as features: whether either is empty, how much they share (Jaccard,
 * binned) and whether both name something and share nothing. Returns how many they share.
 */
function agreement(
  name: string,
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
  into: string[],
): number {
  const left = a?.length ?? 0;
  const right = b?.length ?? 0;
  if (left === 0 && right === 0) {
    into.push(`${name}:none`);
    return 0;
  }
  if (left === 0 || right === 0) {
    into.push(`${name}:one`);
    return 0;
  }
  const both = shared(a, b);
  if (both === 0) into.push(`${name}:differ`);
  else bins(name, both / (left + right - both), [0.01, 0.34, 0.5, 0.75, 1], into);
  return both;
}

const HOUR = 3_600_000;

const letterCache = new WeakMap<Fingerprint, string[]>();

/** Three-letter pieces of an item's stems and names, romanised, as a language-blind view of its words. */
function lettersOf(fp: Fingerprint): string[] {
  const cached = letterCache.get(fp);
  if (cached) return cached;
  const grams = new Set<string>();
  for (const word of [...(fp.terms ?? []), ...(fp.names ?? [])]) {
    const latin = nameKey(` ${word}`.trim().length > 0 ? word : "");
    const full = romanise(word).replace(/kh/g, "h").replace(/h/g, "g").replace(/w/g, "v").replace(/[yj]/g, "i");
    for (let at = 0; at + 3 <= full.length; at++) grams.add(full.slice(at, at + 3));
    if (latin.length < 3) grams.add(latin);
  }
  const list = [...grams].sort();
  letterCache.set(fp, list);
  return list;
}

/**
 * The features the story model weighs for a pair of reports: how alike their words are
 * (in one language), and whether their countries, treaties, kind of event, weapons, names,
 * figures and dates agree (in any language).
 */
export function pairFeatures(a: Fingerprint, b: Fingerprint): string[] {
  const features: string[] = [];
  const sameLanguage = a.language !== undefined && a.language === b.language;
  features.push(sameLanguage ? "language:same" : "language:other");
  if (sameLanguage) bins("text", jaccard(a.terms, b.terms), [0.1, 0.2, 0.3, 0.45, 0.6], features);
  // Across languages, cognates and names share letters: "konventsii" and "convention", "Ottawa" and "Оттава".
  else bins("letters", jaccard(lettersOf(a), lettersOf(b)), [0.05, 0.1, 0.15, 0.2, 0.3], features);
  const countries = agreement("countries", a.countries, b.countries, features);
  const treaties = agreement("treaties", a.treaties, b.treaties, features);
  const actions = agreement("actions", ofKind(a.concepts, "action"), ofKind(b.concepts, "action"), features);
  const weapons = agreement("weapons", ofKind(a.concepts, "weapon"), ofKind(b.concepts, "weapon"), features);
  agreement("actors", ofKind(a.concepts, "actor"), ofKind(b.concepts, "actor"), features);
  agreement("domains", ofKind(a.concepts, "domain"), ofKind(b.concepts, "domain"), features);
  agreement("topics", a.topics, b.topics, features);
  const names = agreement("names", a.names, b.names, features);
  if (names >= 2) features.push("names:several");
  const figures = agreement("figures", a.figures, b.figures, features);
  agreement("years", a.years, b.years, features);
  features.push(a.relevant === b.relevant ? (a.relevant ? "relevant:both" : "relevant:neither") : "relevant:one");
  if (a.dated && b.dated) {
    const hours = Math.abs(Date.parse(a.at) - Date.parse(b.at)) / HOUR;
    const days = hours / 24;
    features.push(
      days <= 1 ? "days:1" : days <= 3 ? "days:3" : days <= 7 ? "days:7" : days <= 30 ? "days:30" : "days:more",
    );
  } else {
    features.push("days:unknown");
  }
  // Which concepts both name, and which only one does: sharing "vote" says more than sharing
  // "withdraw", and a parliament's vote against a UN notification says two steps of one process.
  const left = new Set(a.concepts ?? []);
  const right = new Set(b.concepts ?? []);
  for (const concept of left) features.push(right.has(concept) ? `both:${concept}` : `one:${concept}`);
  for (const concept of right) if (!left.has(concept)) features.push(`one:${concept}`);
  // Across languages, what the reports name must carry the match: every agreement is weighed
  // again for pairs in one language and for pairs in two.
  const scope = sameLanguage ? "same" : "other";
  for (const feature of [...features]) if (!feature.startsWith("language:")) features.push(`${scope}|${feature}`);
  if (countries > 0 && actions > 0) features.push(`${scope}:country+action`);
  if (countries > 0 && treaties > 0) features.push(`${scope}:country+treaty`);
  if (countries > 0 && weapons > 0) features.push(`${scope}:country+weapon`);
  if (countries > 0 && names > 0) features.push(`${scope}:country+name`);
  if (names > 0 && actions > 0) features.push(`${scope}:name+action`);
  if (figures > 0 && countries > 0) features.push(`${scope}:figure+country`);
  return features;
}

/** How likely two reports are of one event, in [0, 1]; 0 when their own dates lie too far apart. */
export function similarity(
  a: Fingerprint,
  b: Fingerprint,
  options = DEFAULT_CLUSTER_OPTIONS,
  model = STORY_MODEL,
): number {
  if (options.windowHours > 0 && a.dated && b.dated) {
    if (Math.abs(Date.parse(a.at) - Date.parse(b.at)) / HOUR > options.windowHours) return 0;
  }
  return sigmoid(logit(model, pairFeatures(a, b)));
}

/**
 * The story a new item belongs to, if any: each candidate is scored by its closest member,
 * and the best story at or above the threshold wins.
 */
export function pickStory(
  fp: Fingerprint,
  candidates: readonly StoryCandidate[],
  options = DEFAULT_CLUSTER_OPTIONS,
  model = STORY_MODEL,
): { storyId: string; similarity: number } | undefined {
  let best: { storyId: string; similarity: number } | undefined;
  for (const candidate of candidates) {
    for (const member of candidate.fingerprints) {
      const score = similarity(fp, member, options, model);
      if (score >= options.threshold && (!best || score > best.similarity)) {
        best = { storyId: candidate.storyId, similarity: score };
      }
    }
  }
  return best;
}

const HASHES = 16;
const ROWS_PER_BAND = 2;
const SEEDS = Array.from({ length: HASHES }, (_, i) => fnv1a(`seed-${i}`));

function minhash(terms: readonly string[]): number[] {
  const signature = new Array<number>(HASHES).fill(0xffffffff);
  for (const term of terms) {
    for (let i = 0; i < HASHES; i++) {
      const value = fnv1a(term, SEEDS[i]);
      if (value < (signature[i] ?? 0xffffffff)) signature[i] = value;
    }
  }
  return signature;
}

/**
 * Index keys under which a story member is stored: bands of a MinHash of its stems (reports
 * worded alike in one language), and language-independent keys for its countries, treaties,
 * names and the pairs of what happened with what it happened to.
 */
export function indexKeys(fp: Fingerprint): string[] {
  const keys: string[] = [];
  const signature = fp.terms ? minhash(fp.terms) : fp.minhash;
  if (signature) {
    for (let band = 0; band * ROWS_PER_BAND < Math.min(HASHES, signature.length); band++) {
      keys.push(`b${band}:${signature.slice(band * ROWS_PER_BAND, (band + 1) * ROWS_PER_BAND).join(".")}`);
    }
  }
  for (const country of fp.countries) keys.push(`c:${country}`);
  for (const treaty of fp.treaties) keys.push(`t:${treaty}`);
  for (const name of fp.names ?? []) keys.push(`n:${name}`);
  const actions = ofKind(fp.concepts, "action");
  const weapons = ofKind(fp.concepts, "weapon");
  for (const action of actions) for (const weapon of weapons) keys.push(`a:${action}|${weapon}`);
  return keys;
}

/** Keys to look up for a new item: the same as it is stored under. */
export function lookupKeys(fp: Fingerprint): string[] {
  return indexKeys(fp);
}

/**
 * How many candidate stories a new item is compared with: those sharing the most index
 * keys with it. The cap keeps assignment cheap however crowded a popular key gets.
 */
export const CANDIDATE_LIMIT = 16;

/** How many members of a story a new item is compared with: its first report and its latest. */
export const MEMBERS_COMPARED = 8;

/** Story ids ordered by how many of the looked-up keys they share, most first; ties keep first-seen order. */
export function rankBySharedKeys(hits: Iterable<string>, limit: number): string[] {
  const counts = new Map<string, number>();
  for (const id of hits) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([id]) => id);
}

/**
 * An in-memory story index for one-shot runs (the classify command, the evaluation, tests,
 * benchmarks). Stores implement the same lookup over their own tables.
 */
export class MemoryStoryIndex {
  readonly #members = new Map<string, Fingerprint[]>();
  readonly #byKey = new Map<string, Set<string>>();

  candidates(fp: Fingerprint, limit = CANDIDATE_LIMIT): StoryCandidate[] {
    const hits = lookupKeys(fp).flatMap((key) => [...(this.#byKey.get(key) ?? [])]);
    return rankBySharedKeys(hits, limit).map((storyId) => ({
      storyId,
      fingerprints: this.#members.get(storyId) ?? [],
    }));
  }

  add(storyId: string, fp: Fingerprint): void {
    const members = this.#members.get(storyId) ?? [];
    // The first report stays; the rest are the latest, so a story's cost to compare is bounded.
    members.push(fp);
    if (members.length > MEMBERS_COMPARED) members.splice(1, 1);
    this.#members.set(storyId, members);
    for (const key of indexKeys(fp)) {
      const ids = this.#byKey.get(key) ?? new Set<string>();
      ids.add(storyId);
      this.#byKey.set(key, ids);
    }
  }
}
