import { type Analysis, analyse, isContentToken } from "./analyse.ts";
import { type ConceptMatch, conceptKind, findConcepts } from "./concepts.ts";
import { type CountryMatch, findCountriesIn } from "./countries.ts";
import { languageOf } from "./detect-language.ts";
import type { Language } from "./language.ts";
import { findTreaties, type TreatyMatch, treatyPlaceTokens } from "./treaties.ts";

export interface ReadingInput {
  title: string;
  summary?: string | undefined;
  /** The language the feed declares, if any; detected from the text otherwise. */
  language?: string | undefined;
}

/** Everything the classifier and the clusterer read off one item, worked out once. */
export interface Reading {
  language: Language;
  /** The headline and the start of the summary, analysed together. */
  analysis: Analysis;
  /** Tokens before this position belong to the headline. */
  titleTokens: number;
  concepts: ConceptMatch[];
  treaties: TreatyMatch[];
  countries: CountryMatch[];
}

/** The start of a summary says what the item is about; the rest costs time and adds noise. */
const SUMMARY_CHARS = 400;
/** No headline runs longer; a "title" that does is a body pasted into the wrong field. */
const TITLE_CHARS = 400;

/** The start of a text, cut at a sentence's end when one falls late enough, else at a word's. */
function startOf(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const sentence = cut.search(/[.!?]\s[^.!?]*$/);
  if (sentence > max / 2) return cut.slice(0, sentence + 1);
  const space = cut.lastIndexOf(" ");
  return space > max / 2 ? cut.slice(0, space) : cut;
}

/** Reads an item: its language, words, concepts, treaties and countries. */
export function read(input: ReadingInput): Reading {
  const title = startOf(input.title.trim(), TITLE_CHARS);
  const lead = startOf(input.summary?.trim() ?? "", SUMMARY_CHARS);
  // Headlines are short: the lead, where there is one, helps tell the language.
  const language = languageOf(lead ? `${title} ${lead.slice(0, 120)}` : title, input.language);
  const analysis = analyse(lead ? `${title}. ${lead}` : title, language);
  let titleTokens = 0;
  for (const token of analysis.tokens) if (token.start < title.length) titleTokens++;
  const concepts = findConcepts(analysis);
  const treaties = findTreaties(analysis, concepts);
  const inTreatyName = treatyPlaceTokens(concepts);
  const countries = findCountriesIn(analysis, (token) => inTreatyName.has(token));
  return { language, analysis, titleTokens, concepts, treaties, countries };
}

/**
 * Feature names made once and kept, for `featuresOf` (training and its tests; judging sums the
 * features without naming them): the same strings every time, so listing a reading's features
 * allocates little.
 */
const featureNames = new Map<string, Map<string, string>>();
const FEATURE_NAMES_KEPT = 100_000;

function featureName(prefix: string, value: string): string {
  let names = featureNames.get(prefix);
  if (!names) {
    names = new Map();
    featureNames.set(prefix, names);
  }
  let name = names.get(value);
  if (name === undefined) {
    if (names.size >= FEATURE_NAMES_KEPT) names.clear();
    name = `${prefix}${value}`;
    names.set(value, name);
  }
  return name;
}

/** What takes a reading's features one by one, in the order the models sum them; a feature may come more than once. */
export interface FeatureSink {
  /** The feature named `${prefix}${value}`. */
  add(prefix: string, value: string): void;
}

/**
 * A prefix made once for each value, so a prefix is the same string at every feature (hashed
 * once where it is a key).
 */
function keptPrefixes(make: (value: string) => string): (value: string) => string {
  const kept = new Map<string, string>();
  return (value) => {
    let prefix = kept.get(value);
    if (prefix === undefined) {
      prefix = make(value);
      kept.set(value, prefix);
    }
    return prefix;
  };
}

const pairPrefix = keptPrefixes((weapon) => `p:${weapon}+`);
const stemPrefix = keptPrefixes((language) => `s:${language}:`);

/**
 * The features the classifier's model weighs: each concept (and again when the headline
 * says it), each pair of a weapon with anything else the item says of it, the treaties,
 * the item's content words by stem, and its language.
 */
export function eachFeature(reading: Reading, sink: FeatureSink): void {
  sink.add("lang:", reading.language);
  const weapons = new Set<string>();
  const others = new Set<string>();
  for (const concept of reading.concepts) {
    sink.add("c:", concept.target);
    if (concept.from < reading.titleTokens) sink.add("t:", concept.target);
    if (conceptKind(concept.target) === "weapon") weapons.add(concept.target);
    else others.add(concept.target);
  }
  for (const weapon of weapons) {
    const prefix = pairPrefix(weapon);
    for (const other of others) sink.add(prefix, other);
  }
  for (const treaty of reading.treaties) sink.add("tr:", treaty.treaty);
  if (reading.countries.length > 0) sink.add("", "countries");
  const stems = stemPrefix(reading.language);
  for (const token of reading.analysis.tokens) {
    if (isContentToken(token)) sink.add(stems, token.stem);
  }
}

/** The features of `eachFeature` by name, each once, in the order they first come. */
export function featuresOf(reading: Reading): string[] {
  const features = new Set<string>();
  eachFeature(reading, { add: (prefix, value) => features.add(featureName(prefix, value)) });
  return [...features];
}
