import { isContentToken, romanise, type Token } from "./analyse.ts";
import { type ConceptId, conceptKind } from "./concepts.ts";
import { fnv1a } from "./hash.ts";
import { type LinearModel, logit, sigmoid } from "./linear-model.ts";
import trained from "./model/stories.json" with { type: "json" };
import { spelledFigures } from "./number-words.ts";
import type { Reading } from "./reading.ts";
import { figuresIn, type MergeShape, mayMerge } from "./story.ts";
import type { TreatyId } from "./taxonomy.ts";
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
  /** Numbers that carry news (casualties, hectares, votes), in digits or in words. */
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
  /**
   * Probability from which an item that joined one story shows another to be the same story;
   * the join threshold when not given.
   */
  bridgeThreshold?: number | undefined;
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
  let key = nameKeys.get(word);
  if (key === undefined) {
    key = makeNameKey(word);
    if (nameKeys.size >= NAME_KEYS_KEPT) nameKeys.clear();
    nameKeys.set(word, key);
  }
  return key;
}

/** Keys of the names met, worked out once: the same names recur from report to report. */
const nameKeys = new Map<string, string>();
const NAME_KEYS_KEPT = 100_000;

/**
 * A word in Latin letters, with the letters that Cyrillic and Latin spellings of one name
 * trade for each other made one: "Kharkiv", "Харків" and "Charkiw" differ less.
 */
function latinLetters(word: string): string {
  return romanise(word).replace(/kh/g, "h").replace(/h/g, "g").replace(/w/g, "v").replace(/[yj]/g, "i");
}

function makeNameKey(word: string): string {
  return latinLetters(word)
    .replace(/ck|q/g, "k")
    .replace(/(.)\1+/g, "$1")
    .slice(0, 5);
}

/** Most content words of a headline in title case start with a capital: there a capital says nothing. */
function titleCase(reading: Reading): boolean {
  const { tokens, text } = reading.analysis;
  const end = Math.min(reading.titleTokens, tokens.length);
  let words = 0;
  let capitals = 0;
  for (let at = 0; at < end; at++) {
    const token = tokens[at] as Token;
    if (token.word.length <= 3) continue;
    words++;
    if (text.charAt(token.start) !== token.word.charAt(0)) capitals++;
  }
  return words >= 4 && capitals / words > 0.6;
}

/**
 * Names: words written with a capital where a capital is news (not at a sentence's start, not
 * in a title-case headline, not in German, which capitalises every noun), and a headline's
 * first word when it is no common word, since headlines often open with one.
 */
function namesOf(reading: Reading): string[] {
  if (reading.language === "de" || titleCase(reading)) return [];
  const { tokens, text } = reading.analysis;
  // Words already read as a country, a treaty or a concept are counted there.
  const covered = new Uint8Array(tokens.length);
  for (const matches of [reading.concepts, reading.treaties, reading.countries]) {
    for (const match of matches) {
      const to = Math.min(match.to ?? 0, tokens.length);
      for (let at = Math.max(match.from ?? 0, 0); at < to; at++) covered[at] = 1;
    }
  }
  const names = new Set<string>();
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at] as Token;
    if (covered[at] === 1 || token.word.length < 3 || /\d/.test(token.word)) continue;
    const capital = at === 0 ? text.charAt(token.start) !== token.word.charAt(0) : token.capitalised;
    if (!capital || token.stop) continue;
    names.add(nameKey(token.word));
  }
  return [...names].sort();
}

function termsOf(reading: Reading): string[] {
  const terms = new Set<string>();
  for (const token of reading.analysis.tokens) {
    if (!isContentToken(token)) continue;
    terms.add(token.stem);
    if (terms.size >= TERMS_KEPT) break;
  }
  return [...terms].sort();
}

/**
 * What naming a treaty says without the words: "Finland leaves the Ottawa Convention" is about
 * landmines and a ban as much as "Finland quits the treaty banning landmines", so both carry
 * those concepts and meet on them.
 */
const TREATY_SUBJECTS: Record<TreatyId, readonly ConceptId[]> = {
  "mine-ban": ["landmine", "mine", "ban", "treaty"],
  ccm: ["cluster-munition", "ordnance", "ban", "treaty"],
  ccw: ["treaty"],
  att: ["arms-control", "treaty"],
  ctbt: ["nuclear-test", "nuclear", "ban", "treaty"],
  "new-start": ["nuclear", "arms-control", "treaty"],
  npt: ["nuclear", "arms-control", "treaty"],
  inf: ["nuclear", "arms-control", "treaty"],
};

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
    concepts: [
      ...new Set([
        ...reading.concepts.map((concept) => concept.target),
        ...reading.treaties.flatMap((treaty) => TREATY_SUBJECTS[treaty.treaty]),
      ]),
    ].sort(),
    names: namesOf(reading),
    figures: [
      ...new Set([...figuresIn(reading.analysis.text), ...spelledFigures(reading.analysis.tokens, reading.language)]),
    ].sort(),
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
    const full = latinLetters(word);
    for (let at = 0; at + 3 <= full.length; at++) grams.add(full.slice(at, at + 3));
    // A word too short for a piece of three still counts, as its key.
    const key = nameKey(word);
    if (key.length < 3) grams.add(key);
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

/**
 * What the story model reads of one fingerprint, worked out once: every list it compares as
 * sorted numbers (counting what two lists share is then one merge of integers), the concepts
 * as a bit set, and the date as a number. A fingerprint is compared with many others, so this
 * is what makes `similarity` cheap; `pairFeatures` stays the definition it must agree with.
 */
interface PairView {
  /** The numbering the lists were written in; a view from an older one is made again. */
  generation: number;
  language: string | undefined;
  relevant: boolean | undefined;
  dated: boolean | undefined;
  atMs: number;
  fingerprint: Fingerprint;
  /**
   * Every list in one block, so comparing two views reads two runs of memory: the offsets of
   * the segments first (SEGMENTS + 1 of them), then the segments. Segments 0 to 9 are the lists
   * AGREEMENTS names, then the stems (empty for legacy fingerprints, compared alike), the
   * distinct concepts in the order the fingerprint lists them, and the concepts as a bit set.
   */
  packed: Int32Array;
  letters?: Int32Array | undefined;
}

/**
 * Every value a view holds, numbered: words, names, figures, countries and concepts alike. The
 * numbering starts over (and views are made again) once it grows past its bound, so a process
 * that runs for months keeps a bounded table.
 */
const numbers = new Map<string, number>();
const NUMBERS_KEPT = 1_000_000;
let generation = 0;

function numberOf(value: string): number {
  let id = numbers.get(value);
  if (id === undefined) {
    id = numbers.size;
    numbers.set(value, id);
  }
  return id;
}

function numbered(values: readonly string[]): Int32Array {
  const ids = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) ids[k] = numberOf(values[k] as string);
  return ids.sort();
}

/** Concepts numbered apart, from a small fixed vocabulary, so their numbers stay small and never change. */
const conceptNumbers = new Map<string, number>();
const conceptNames: string[] = [];

function conceptNumber(concept: string): number {
  let id = conceptNumbers.get(concept);
  if (id === undefined) {
    id = conceptNames.length;
    conceptNumbers.set(concept, id);
    conceptNames.push(concept);
  }
  return id;
}

/** Starts the numbering over once it has grown past its bound; views made before are made again. */
function boundNumbers(): void {
  if (numbers.size <= NUMBERS_KEPT) return;
  numbers.clear();
  generation++;
}

const viewCache = new WeakMap<Fingerprint, PairView>();

const TERMS = 10;
const CONCEPTS = 11;
const CONCEPT_BITS = 12;
const SEGMENTS = 13;

/** The kinds of concept with a list of their own in a view, in the order of AGREEMENTS. */
const VIEW_KINDS = ["action", "weapon", "actor", "domain"] as const;

/** Sorts a segment in place in ascending order: a view's lists are short, too short to pay for a typed array's sort. */
function sortSegment(values: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const value = values[i] as number;
    let j = i - 1;
    while (j >= from && (values[j] as number) > value) {
      values[j + 1] = values[j] as number;
      j--;
    }
    values[j + 1] = value;
  }
}

function pairView(fp: Fingerprint): PairView {
  const cached = viewCache.get(fp);
  if (cached && cached.generation === generation) return cached;
  const concepts = fp.concepts ?? [];
  const distinct = Array.from(new Set(concepts), conceptNumber);
  let top = 0;
  for (const id of distinct) top = Math.max(top, id);
  const bitWords = (top >>> 5) + 1;
  // The concepts of each kind with a list of their own, every one the fingerprint lists, in its order.
  const byKind: string[][] = [[], [], [], []];
  for (const concept of concepts) {
    const kind = VIEW_KINDS.indexOf(conceptKind(concept as ConceptId) as (typeof VIEW_KINDS)[number]);
    if (kind >= 0) (byKind[kind] as string[]).push(concept);
  }
  // In the order of AGREEMENTS, then the stems, each numbered and sorted in place; a missing list reads as an empty one.
  const lists: readonly (readonly string[])[] = [
    fp.countries,
    fp.treaties,
    ...byKind,
    fp.topics,
    fp.names ?? [],
    fp.figures ?? [],
    fp.years ?? [],
    fp.terms ?? [],
  ];
  let size = SEGMENTS + 1 + distinct.length + bitWords;
  for (const list of lists) size += list.length;
  const packed = new Int32Array(size);
  let at = SEGMENTS + 1;
  for (let index = 0; index < lists.length; index++) {
    packed[index] = at;
    for (const value of lists[index] as readonly string[]) packed[at++] = numberOf(value);
    sortSegment(packed, packed[index] as number, at);
  }
  packed[CONCEPTS] = at;
  for (const id of distinct) packed[at++] = id;
  packed[CONCEPT_BITS] = at;
  for (const id of distinct) packed[at + (id >>> 5)] = (packed[at + (id >>> 5)] as number) | (1 << (id & 31));
  packed[SEGMENTS] = at + bitWords;
  const view: PairView = {
    generation,
    language: fp.language,
    relevant: fp.relevant,
    dated: fp.dated,
    atMs: Date.parse(fp.at),
    fingerprint: fp,
    packed,
  };
  viewCache.set(fp, view);
  return view;
}

function hasConcept(packed: Int32Array, id: number): boolean {
  const word = (packed[CONCEPT_BITS] as number) + (id >>> 5);
  return word < (packed[SEGMENTS] as number) && ((packed[word] as number) & (1 << (id & 31))) !== 0;
}

/**
 * How many values of `a` (each copy counted) `b` holds, as `shared` counts them; both sorted,
 * so one merge does it.
 */
function sharedSorted(a: Int32Array, aFrom: number, aTo: number, b: Int32Array, bFrom: number, bTo: number): number {
  let count = 0;
  let j = bFrom;
  for (let i = aFrom; i < aTo; i++) {
    const value = a[i] as number;
    while (j < bTo && (b[j] as number) < value) j++;
    if (j === bTo) break;
    if (b[j] === value) count++;
  }
  return count;
}

/** `jaccard` over segments of packed lists. */
function jaccardSorted(a: Int32Array, aFrom: number, aTo: number, b: Int32Array, bFrom: number, bTo: number): number {
  const left = aTo - aFrom;
  const right = bTo - bFrom;
  if (left + right === 0) return 0;
  const both = sharedSorted(a, aFrom, aTo, b, bFrom, bTo);
  return both / (left + right - both);
}

/** The agreement features of `agreement` for one list, as slots in a compiled model; see `compileStoryModel`. */
const AGREEMENTS = [
  "countries",
  "treaties",
  "actions",
  "weapons",
  "actors",
  "domains",
  "topics",
  "names",
  "figures",
  "years",
] as const;
const AGREEMENT_EDGES = [0.01, 0.34, 0.5, 0.75, 1] as const;
const TEXT_EDGES = [0.1, 0.2, 0.3, 0.45, 0.6] as const;
const LETTER_EDGES = [0.05, 0.1, 0.15, 0.2, 0.3] as const;
const DAYS = ["days:1", "days:3", "days:7", "days:30", "days:more", "days:unknown"] as const;
const RELEVANCE = ["relevant:both", "relevant:neither", "relevant:one"] as const;
const COMBINATIONS = [
  "country+action",
  "country+treaty",
  "country+weapon",
  "country+name",
  "name+action",
  "figure+country",
] as const;

/**
 * A story model with its weights laid out by feature number: each feature `pairFeatures` can
 * emit has a number, and three weights (its own, and again scoped to pairs in one language and
 * in two), 0 where the model has none. Summed in the order `pairFeatures` emits the features,
 * the log-odds are the same number to the last bit as `logit` over the feature names.
 */
interface CompiledStoryModel {
  bias: number;
  languageSame: number;
  languageOther: number;
  /** Weights by feature number: plain, `same|`, `other|`. */
  plain: number[];
  same: number[];
  other: number[];
  text: number[];
  letters: number[];
  /** Feature number of `<agreement>:none`, `:one`, `:differ`, then the five bins, per agreement. */
  agreement: number[];
  namesSeveral: number;
  /** The most the bins of word overlap can add to a pair in one language, and of letter overlap to one in two. */
  bestText: number;
  bestLetters: number;
  relevance: number;
  days: number;
  combinations: { same: number[]; other: number[] };
  /** Feature numbers of `both:<concept>` and `one:<concept>` by concept number, made as concepts are met. */
  both: number[];
  one: number[];
  /** Their weights for bounds, for pairs in one language and in two; made again as concepts are numbered. */
  conceptsSame?: ConceptWeights | undefined;
  conceptsOther?: ConceptWeights | undefined;
  weights: Readonly<Record<string, number>>;
}

const compiledModels = new WeakMap<LinearModel, CompiledStoryModel>();

function addFeature(compiled: CompiledStoryModel, name: string): number {
  const weight = (key: string) => compiled.weights[key] ?? 0;
  compiled.plain.push(weight(name));
  compiled.same.push(weight(`same|${name}`));
  compiled.other.push(weight(`other|${name}`));
  return compiled.plain.length - 1;
}

function compileStoryModel(model: LinearModel): CompiledStoryModel {
  const cached = compiledModels.get(model);
  if (cached) return cached;
  const weight = (key: string) => model.weights[key] ?? 0;
  const compiled: CompiledStoryModel = {
    bias: model.bias,
    languageSame: weight("language:same"),
    languageOther: weight("language:other"),
    plain: [],
    same: [],
    other: [],
    text: [],
    letters: [],
    agreement: [],
    namesSeveral: 0,
    bestText: 0,
    bestLetters: 0,
    relevance: 0,
    days: 0,
    combinations: {
      same: COMBINATIONS.map((name) => weight(`same:${name}`)),
      other: COMBINATIONS.map((name) => weight(`other:${name}`)),
    },
    both: [],
    one: [],
    weights: model.weights,
  };
  compiled.text = TEXT_EDGES.map((edge) => addFeature(compiled, `text>=${edge}`));
  compiled.letters = LETTER_EDGES.map((edge) => addFeature(compiled, `letters>=${edge}`));
  for (const name of AGREEMENTS) {
    compiled.agreement.push(addFeature(compiled, `${name}:none`));
    addFeature(compiled, `${name}:one`);
    addFeature(compiled, `${name}:differ`);
    for (const edge of AGREEMENT_EDGES) addFeature(compiled, `${name}>=${edge}`);
  }
  compiled.namesSeveral = addFeature(compiled, "names:several");
  compiled.relevance = addFeature(compiled, RELEVANCE[0]);
  for (const name of RELEVANCE.slice(1)) addFeature(compiled, name);
  compiled.days = addFeature(compiled, DAYS[0]);
  for (const name of DAYS.slice(1)) addFeature(compiled, name);
  compiled.bestText = bestBins(compiled.text, compiled.plain, compiled.same);
  compiled.bestLetters = bestBins(compiled.letters, compiled.plain, compiled.other);
  compiledModels.set(model, compiled);
  return compiled;
}

/** What `both:<concept>` and `one:<concept>` add to a pair (their weight and its scoped one), by concept number. */
interface ConceptWeights {
  both: Float64Array;
  one: Float64Array;
}

function conceptWeights(compiled: CompiledStoryModel, sameLanguage: boolean): ConceptWeights {
  const weights = sameLanguage ? compiled.conceptsSame : compiled.conceptsOther;
  if (weights && weights.both.length === conceptNames.length) return weights;
  const scoped = sameLanguage ? compiled.same : compiled.other;
  const sum = (prefix: "both" | "one", concept: number) => {
    const id = conceptFeature(compiled, prefix, concept);
    return (compiled.plain[id] as number) + (scoped[id] as number);
  };
  const made = {
    both: Float64Array.from(conceptNames, (_, concept) => sum("both", concept)),
    one: Float64Array.from(conceptNames, (_, concept) => sum("one", concept)),
  };
  if (sameLanguage) compiled.conceptsSame = made;
  else compiled.conceptsOther = made;
  return made;
}

/** The largest sum cumulative bins can add (none set adds 0). */
function bestBins(ids: readonly number[], plain: readonly number[], scoped: readonly number[]): number {
  let best = 0;
  let sum = 0;
  for (const id of ids) {
    sum += (plain[id] as number) + (scoped[id] as number);
    best = Math.max(best, sum);
  }
  return best;
}

function conceptFeature(compiled: CompiledStoryModel, prefix: "both" | "one", concept: number): number {
  const table = prefix === "both" ? compiled.both : compiled.one;
  let id = table[concept];
  if (id === undefined) {
    id = addFeature(compiled, `${prefix}:${conceptNames[concept]}`);
    table[concept] = id;
  }
  return id;
}

/**
 * `agreement` as feature numbers, written after the pair's others (room for them is made
 * before); returns how many values the lists share.
 */
function emitAgreement(base: number, a: Int32Array, b: Int32Array, group: number): number {
  const aFrom = a[group] as number;
  const aTo = a[group + 1] as number;
  const bFrom = b[group] as number;
  const bTo = b[group + 1] as number;
  const left = aTo - aFrom;
  const right = bTo - bFrom;
  if (left === 0 || right === 0) {
    emitted[emittedCount++] = left === right ? base : base + 1;
    return 0;
  }
  const both = sharedSorted(a, aFrom, aTo, b, bFrom, bTo);
  if (both === 0) emitted[emittedCount++] = base + 2;
  else {
    const value = both / (left + right - both);
    if (value >= 0.01) emitted[emittedCount++] = base + 3;
    if (value >= 0.34) emitted[emittedCount++] = base + 4;
    if (value >= 0.5) emitted[emittedCount++] = base + 5;
    if (value >= 0.75) emitted[emittedCount++] = base + 6;
    if (value >= 1) emitted[emittedCount++] = base + 7;
  }
  return both;
}

/** Feature numbers of one pair, reused from call to call: scoring is single-threaded. */
let emitted = new Int32Array(256);
let emittedCount = 0;

/** How many values each agreement's lists share, for the pair at hand. */
const sharedCounts = new Int32Array(10);
/** Places of some lists in AGREEMENTS, which are their segments in a packed view too. */
const COUNTRIES = 0;
const TREATIES = 1;
const NAMES = 7;
const FIGURES = 8;

/** Slots kept at the front of `emitted` for the bins of word (or letter) overlap, which `pairFeatures` lists first. */
const TEXT_SLOTS = 5;

/**
 * The story model's log-odds for a pair, or undefined when they cannot reach `cutoff`.
 * The features of `pairFeatures` are emitted as numbers in the same order and summed in that
 * order, so the result equals `logit(model, pairFeatures(a, b))` to the last bit. Every feature
 * but the overlap of words (or letters) is cheap; those are emitted first, and when even the
 * best overlap could not lift the pair to `cutoff` the words are never compared.
 */
function pairLogit(
  a: PairView,
  b: PairView,
  model: LinearModel,
  cutoff = Number.NEGATIVE_INFINITY,
): number | undefined {
  const compiled = compileStoryModel(model);
  const sameLanguage = a.language !== undefined && a.language === b.language;
  const { plain } = compiled;
  const scoped = sameLanguage ? compiled.same : compiled.other;
  const ap = a.packed;
  const bp = b.packed;
  const aConcepts = ap[CONCEPTS] as number;
  const aConceptsEnd = ap[CONCEPTS + 1] as number;
  const bConcepts = bp[CONCEPTS] as number;
  const bConceptsEnd = bp[CONCEPTS + 1] as number;
  // Room for every feature a pair can have: the bins of ten agreements, three more, its concepts.
  const room = TEXT_SLOTS + 10 * 5 + 3 + (aConceptsEnd - aConcepts) + (bConceptsEnd - bConcepts);
  if (emitted.length < room) emitted = new Int32Array(room * 2);
  emittedCount = TEXT_SLOTS;
  const agreement = compiled.agreement;
  for (let group = 0; group < AGREEMENTS.length; group++) {
    const both = emitAgreement(agreement[group] as number, ap, bp, group);
    sharedCounts[group] = both;
    if (group === NAMES && both >= 2) emitted[emittedCount++] = compiled.namesSeveral;
  }
  const countries = sharedCounts[COUNTRIES] as number;
  const treaties = sharedCounts[TREATIES] as number;
  const actions = sharedCounts[2] as number;
  const weapons = sharedCounts[3] as number;
  const names = sharedCounts[NAMES] as number;
  const figures = sharedCounts[FIGURES] as number;
  emitted[emittedCount++] = compiled.relevance + (a.relevant === b.relevant ? (a.relevant ? 0 : 1) : 2);
  if (a.dated && b.dated) {
    const hours = Math.abs(a.atMs - b.atMs) / HOUR;
    const days = hours / 24;
    emitted[emittedCount++] = compiled.days + (days <= 1 ? 0 : days <= 3 ? 1 : days <= 7 ? 2 : days <= 30 ? 3 : 4);
  } else {
    emitted[emittedCount++] = compiled.days + 5;
  }
  const combinations = sameLanguage ? compiled.combinations.same : compiled.combinations.other;
  let combined = 0;
  if (countries > 0 && actions > 0) combined += combinations[0] as number;
  if (countries > 0 && treaties > 0) combined += combinations[1] as number;
  if (countries > 0 && weapons > 0) combined += combinations[2] as number;
  if (countries > 0 && names > 0) combined += combinations[3] as number;
  if (names > 0 && actions > 0) combined += combinations[4] as number;
  if (figures > 0 && countries > 0) combined += combinations[5] as number;

  if (cutoff > Number.NEGATIVE_INFINITY) {
    // An upper bound, summed in any order: BOUND_MARGIN covers the rounding, far larger than it.
    let bound = compiled.bias + (sameLanguage ? compiled.languageSame : compiled.languageOther) + combined;
    for (let k = TEXT_SLOTS; k < emittedCount; k++) {
      const id = emitted[k] as number;
      bound += (plain[id] as number) + (scoped[id] as number);
    }
    const concepts = conceptWeights(compiled, sameLanguage);
    for (let k = aConcepts; k < aConceptsEnd; k++) {
      const concept = ap[k] as number;
      bound += hasConcept(bp, concept) ? (concepts.both[concept] as number) : (concepts.one[concept] as number);
    }
    for (let k = bConcepts; k < bConceptsEnd; k++) {
      const concept = bp[k] as number;
      if (!hasConcept(ap, concept)) bound += concepts.one[concept] as number;
    }
    bound += sameLanguage ? compiled.bestText : compiled.bestLetters;
    if (bound < cutoff - BOUND_MARGIN) return undefined;
  }
  for (let k = aConcepts; k < aConceptsEnd; k++) {
    const concept = ap[k] as number;
    emitted[emittedCount++] = conceptFeature(compiled, hasConcept(bp, concept) ? "both" : "one", concept);
  }
  for (let k = bConcepts; k < bConceptsEnd; k++) {
    const concept = bp[k] as number;
    if (!hasConcept(ap, concept)) emitted[emittedCount++] = conceptFeature(compiled, "one", concept);
  }

  // The overlap's bins, in the slots before the rest.
  let first = TEXT_SLOTS;
  let value: number;
  let edges: readonly number[];
  let ids: readonly number[];
  if (sameLanguage) {
    value = jaccardSorted(
      ap,
      ap[TERMS] as number,
      ap[TERMS + 1] as number,
      bp,
      bp[TERMS] as number,
      bp[TERMS + 1] as number,
    );
    edges = TEXT_EDGES;
    ids = compiled.text;
  } else {
    a.letters ??= numbered(lettersOf(a.fingerprint));
    b.letters ??= numbered(lettersOf(b.fingerprint));
    value = jaccardSorted(a.letters, 0, a.letters.length, b.letters, 0, b.letters.length);
    edges = LETTER_EDGES;
    ids = compiled.letters;
  }
  let bins = 0;
  while (bins < edges.length && value >= (edges[bins] as number)) bins++;
  first = TEXT_SLOTS - bins;
  for (let k = 0; k < bins; k++) emitted[first + k] = ids[k] as number;

  let sum = compiled.bias + (sameLanguage ? compiled.languageSame : compiled.languageOther);
  for (let k = first; k < emittedCount; k++) sum += plain[emitted[k] as number] as number;
  for (let k = first; k < emittedCount; k++) sum += scoped[emitted[k] as number] as number;
  if (countries > 0 && actions > 0) sum += combinations[0] as number;
  if (countries > 0 && treaties > 0) sum += combinations[1] as number;
  if (countries > 0 && weapons > 0) sum += combinations[2] as number;
  if (countries > 0 && names > 0) sum += combinations[3] as number;
  if (names > 0 && actions > 0) sum += combinations[4] as number;
  if (figures > 0 && countries > 0) sum += combinations[5] as number;
  return sum;
}

/**
 * Log-odds a bound may fall short of the true sum by through rounding, with room to spare: the
 * sums have a few dozen terms of magnitude below ten, so rounding moves them by less than 1e-12.
 */
const BOUND_MARGIN = 1e-6;

/** Whether both packed views list something in segment `group` and share none of it. */
function disjointSegments(x: Int32Array, y: Int32Array, group: number): boolean {
  const xFrom = x[group] as number;
  const xTo = x[group + 1] as number;
  const yFrom = y[group] as number;
  const yTo = y[group + 1] as number;
  return xTo > xFrom && yTo > yFrom && sharedSorted(x, xFrom, xTo, y, yFrom, yTo) === 0;
}

/**
 * Two reports that cannot be of one event whatever their words: dated too far apart; each
 * naming treaties and none in common (a country leaving the Ottawa Convention and the same
 * country leaving the cluster munitions convention are two events, told in the same words); or
 * each naming countries and figures, and none of either in common ("Armenia destroys 167
 * stockpiled mines" and "Latvia destroys 111 stockpiled mines" are two events however alike
 * their wording; in our labelled real news no two reports of one event differ in both).
 */
function apart(a: PairView, b: PairView, options: ClusterOptions): boolean {
  if (options.windowHours > 0 && a.dated && b.dated && Math.abs(a.atMs - b.atMs) / HOUR > options.windowHours) {
    return true;
  }
  const x = a.packed;
  const y = b.packed;
  return disjointSegments(x, y, TREATIES) || (disjointSegments(x, y, COUNTRIES) && disjointSegments(x, y, FIGURES));
}

/** Whether two lists both name something and share none of it. */
const disjoint = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a?.length ?? 0) > 0 && (b?.length ?? 0) > 0 && shared(a, b) === 0;

/** How likely two reports are of one event, in [0, 1]; 0 when their own dates lie too far apart. */
export function similarity(
  a: Fingerprint,
  b: Fingerprint,
  options = DEFAULT_CLUSTER_OPTIONS,
  model = STORY_MODEL,
): number {
  boundNumbers();
  const left = pairView(a);
  const right = pairView(b);
  if (apart(left, right, options)) return 0;
  return sigmoid(pairLogit(left, right, model) as number);
}

/** `similarity` as its definition reads: the model's logistic over `pairFeatures`. For tests of the fast path. */
export function similarityByFeatures(
  a: Fingerprint,
  b: Fingerprint,
  options = DEFAULT_CLUSTER_OPTIONS,
  model = STORY_MODEL,
): number {
  if (options.windowHours > 0 && a.dated && b.dated) {
    if (Math.abs(Date.parse(a.at) - Date.parse(b.at)) / HOUR > options.windowHours) return 0;
  }
  if (disjoint(a.treaties, b.treaties)) return 0;
  if (disjoint(a.countries, b.countries) && disjoint(a.figures, b.figures)) return 0;
  return sigmoid(logit(model, pairFeatures(a, b)));
}

/** The story a new item joins, and the other stories it also matches, which it shows to be the same story. */
export interface StoryPick {
  storyId: string;
  similarity: number;
  /**
   * Other candidates with a member at or above the threshold, in candidate order. An item that
   * belongs to two stories bridges them: they are one story, reported in two wordings or languages.
   */
  bridges: string[];
}

/**
 * The story a new item belongs to, if any: each candidate is scored by its closest member,
 * and the best story at or above the threshold wins. The others that reach it are its bridges.
 */
export function pickStory(
  fp: Fingerprint,
  candidates: readonly StoryCandidate[],
  options = DEFAULT_CLUSTER_OPTIONS,
  model = STORY_MODEL,
): StoryPick | undefined {
  boundNumbers();
  const view = pairView(fp);
  const bridgeAt = Math.max(options.threshold, options.bridgeThreshold ?? options.threshold);
  // In log-odds: a pair must reach the threshold to join, and the bridge threshold to bridge;
  // once its story is known to bridge, a member counts only if it beats the best so far.
  const floor = logOdds(options.threshold);
  const bridgeFloor = logOdds(bridgeAt);
  let best: { storyId: string; similarity: number } | undefined;
  let bestLogit = Number.NEGATIVE_INFINITY;
  const bridging: string[] = [];
  for (const candidate of candidates) {
    let bridges = false;
    for (const member of candidate.fingerprints) {
      const other = pairView(member);
      let score = 0;
      let log = Number.NEGATIVE_INFINITY;
      if (!apart(view, other, options)) {
        const beats = Math.max(floor, bestLogit);
        const exact = pairLogit(view, other, model, bridges ? beats : Math.min(beats, bridgeFloor));
        if (exact === undefined) continue;
        log = exact;
        score = sigmoid(exact);
      }
      if (score < options.threshold) continue;
      if (!bridges && score >= bridgeAt) {
        bridges = true;
        bridging.push(candidate.storyId);
      }
      if (!best || score > best.similarity) {
        best = { storyId: candidate.storyId, similarity: score };
        bestLogit = log;
      }
    }
  }
  return best && { ...best, bridges: bridging.filter((storyId) => storyId !== best.storyId) };
}

/** A probability as log-odds; a threshold of 0 lets every pair through. */
function logOdds(probability: number): number {
  const odds = Math.log(probability / (1 - probability));
  return Number.isNaN(odds) ? Number.NEGATIVE_INFINITY : odds;
}

/** `pickStory` as its definition reads: every member scored by `similarity`. For tests of the fast path. */
export function pickStoryByScores(
  fp: Fingerprint,
  candidates: readonly StoryCandidate[],
  options = DEFAULT_CLUSTER_OPTIONS,
  model = STORY_MODEL,
): { storyId: string; similarity: number } | undefined {
  let best: { storyId: string; similarity: number } | undefined;
  for (const candidate of candidates) {
    for (const member of candidate.fingerprints) {
      const score = similarityByFeatures(fp, member, options, model);
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

/** Each stem's hashes under every seed, worked out once: news repeats its words. */
const termHashes = new Map<string, Uint32Array>();
const TERM_HASHES_KEPT = 100_000;

function hashesOf(term: string): Uint32Array {
  let hashes = termHashes.get(term);
  if (!hashes) {
    hashes = Uint32Array.from(SEEDS, (seed) => fnv1a(term, seed));
    if (termHashes.size >= TERM_HASHES_KEPT) termHashes.clear();
    termHashes.set(term, hashes);
  }
  return hashes;
}

function minhash(terms: readonly string[]): number[] {
  const signature = new Array<number>(HASHES).fill(0xffffffff);
  for (const term of terms) {
    const hashes = hashesOf(term);
    for (let i = 0; i < HASHES; i++) {
      const value = hashes[i] as number;
      if (value < (signature[i] as number)) signature[i] = value;
    }
  }
  return signature;
}

/**
 * Index keys under which a story member is stored: bands of a MinHash of its stems (reports
 * worded alike in one language), and language-independent keys for its countries, treaties,
 * names, the pairs of what happened with what it happened to, and of each country with
 * what happened there.
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
  // What reports of one event say alike in any language: a country and what happened there.
  // Reports in two languages share no words, and often no name or weapon written the same way.
  for (const country of fp.countries) for (const action of actions) keys.push(`e:${country}|${action}`);
  return keys;
}

/** Keys to look up for a new item: the same as it is stored under. */
const keyCache = new WeakMap<Fingerprint, readonly string[]>();

/**
 * An item's index keys without repeats, worked out once per fingerprint: an item is looked up,
 * then written, under the same keys.
 */
export function lookupKeys(fp: Fingerprint): readonly string[] {
  let keys = keyCache.get(fp);
  if (!keys) {
    keys = [...new Set(indexKeys(fp))];
    keyCache.set(fp, keys);
  }
  return keys;
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
  readonly #members = new Map<string, { fingerprint: Fingerprint; seq: number }[]>();
  readonly #byKey = new Map<string, Set<string>>();
  readonly #keys = new Map<string, Set<string>>();
  /** How many reports each story holds, and the treaties they name. */
  readonly #reports = new Map<string, number>();
  readonly #treaties = new Map<string, Set<string>>();
  #seq = 0;

  candidates(fp: Fingerprint, limit = CANDIDATE_LIMIT): StoryCandidate[] {
    const hits = lookupKeys(fp).flatMap((key) => [...(this.#byKey.get(key) ?? [])]);
    return rankBySharedKeys(hits, limit).map((storyId) => ({
      storyId,
      fingerprints: (this.#members.get(storyId) ?? []).map((member) => member.fingerprint),
    }));
  }

  add(storyId: string, fp: Fingerprint): void {
    this.#reports.set(storyId, (this.#reports.get(storyId) ?? 0) + 1);
    const treaties = this.#treaties.get(storyId) ?? new Set<string>();
    for (const treaty of fp.treaties) treaties.add(treaty);
    this.#treaties.set(storyId, treaties);
    const members = this.#members.get(storyId) ?? [];
    // The first report stays; the rest are the latest, so a story's cost to compare is bounded.
    members.push({ fingerprint: fp, seq: this.#seq++ });
    if (members.length > MEMBERS_COMPARED) members.splice(1, 1);
    this.#members.set(storyId, members);
    const keys = this.#keys.get(storyId) ?? new Set<string>();
    this.#keys.set(storyId, keys);
    for (const key of indexKeys(fp)) {
      const ids = this.#byKey.get(key) ?? new Set<string>();
      ids.add(storyId);
      this.#byKey.set(key, ids);
      keys.add(key);
    }
  }

  /** Whether a story of this id is held (it has reports and was not merged into another). */
  has(storyId: string): boolean {
    return this.#members.has(storyId);
  }

  /**
   * Files a report where `pick` puts it, or in a new story `founded` when it matched none: the
   * story picked first takes in the stories the report bridges, as far as `mayMerge` allows.
   * Returns the report's story and the stories folded into it.
   */
  place(fp: Fingerprint, pick: StoryPick | undefined, founded: string): { storyId: string; absorbed: string[] } {
    const storyId = pick?.storyId ?? founded;
    const absorbed: string[] = [];
    for (const bridged of pick?.bridges ?? []) {
      if (!this.has(bridged) || !mayMerge(this.#shape(storyId), this.#shape(bridged))) continue;
      this.merge(storyId, bridged);
      absorbed.push(bridged);
    }
    this.add(storyId, fp);
    return { storyId, absorbed };
  }

  /** A story's shape for `mayMerge`: its reports, and the treaties its members name. */
  #shape(storyId: string): MergeShape {
    return { reports: this.#reports.get(storyId) ?? 0, treaties: [...(this.#treaties.get(storyId) ?? [])] };
  }

  /** Folds story `from` into `into`: its keys point at `into`, and `into` keeps the first report of the two and the latest. */
  merge(into: string, from: string): void {
    if (into === from) return;
    const all = [...(this.#members.get(into) ?? []), ...(this.#members.get(from) ?? [])].sort((a, b) => a.seq - b.seq);
    this.#members.set(into, [...all.slice(0, 1), ...all.slice(1).slice(1 - MEMBERS_COMPARED)]);
    this.#members.delete(from);
    this.#reports.set(into, (this.#reports.get(into) ?? 0) + (this.#reports.get(from) ?? 0));
    this.#reports.delete(from);
    this.#treaties.set(into, new Set([...(this.#treaties.get(into) ?? []), ...(this.#treaties.get(from) ?? [])]));
    this.#treaties.delete(from);
    const keys = this.#keys.get(into) ?? new Set<string>();
    for (const key of this.#keys.get(from) ?? []) {
      const ids = this.#byKey.get(key) as Set<string>;
      ids.delete(from);
      ids.add(into);
      keys.add(key);
    }
    this.#keys.set(into, keys);
    this.#keys.delete(from);
  }
}
