import { type Analysis, analyse } from "./analyse.ts";
import { findConcepts } from "./concepts.ts";
import { COUNTRY_CODE_LIST, EDITORIAL_NAMES, GROUP_NAMES } from "./country-names.ts";
import { LANGUAGES, type Language } from "./language.ts";
import { compilePhrase, type Element, type Phrase, PhraseIndex, type PhraseMatch } from "./phrases.ts";
import { treatyPlaceTokens } from "./treaties.ts";

export interface CountryMatch {
  code: string;
  match: string;
  /** Token positions of the name in the analysed text: [from, to). */
  from?: number | undefined;
  to?: number | undefined;
}

/** Every ISO 3166-1 alpha-2 code (and XK for Kosovo). */
export const COUNTRY_CODES: readonly string[] = COUNTRY_CODE_LIST.trim().split(/\s+/);

/**
 * CLDR's country names in a language, one reader a language made when first asked for: each
 * holds ICU's tables for its language outside the JavaScript heap, and one made for every
 * country of every language (1,500) took 14 MB of the process's memory where six take 8.
 */
const regionNames = new Map<Language, Intl.DisplayNames>();

function regionNamesIn(language: Language): Intl.DisplayNames {
  let names = regionNames.get(language);
  if (!names) {
    names = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
    regionNames.set(language, names);
  }
  return names;
}

/** The country's English short name, as Unicode's CLDR gives it. */
export function countryName(code: string): string | undefined {
  return regionNamesIn("en").of(code);
}

/** "Myanmar (Burma)" is two names; "Congo - Kinshasa" names the Congo and its capital. */
function displayNames(code: string, language: Language): string[] {
  const name = regionNamesIn(language).of(code);
  return name ? name.split(/\s*[()]\s*|\s+[-–]\s+/).filter((part) => part.length > 1) : [];
}

/** Abbreviations are matched as written, so "US" never matches the word "us". */
const ABBREVIATION = /^[\p{Lu}.]{2,7}$/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * A name as a phrase that any language's text can match, since news names foreign places
 * in their own spelling often enough ("Україна" in a Russian text, "Österreich" in an English
 * one). Abbreviations match as written. Other words match any word that starts with their
 * stem in the name's own language, when that stem has five letters or more ("Ukraine" finds
 * "Ukrainian" and "Ukraine's", "Україна" finds "України" and "український"). A shorter
 * one-word name matches only itself, with its capital, since short names are often common
 * words too: "того" (of that) is Togo, "перу" (to a pen) Peru and "чад" (fumes) Chad only so.
 */
function namePhrase(codes: readonly string[], name: string, language: Language): Phrase<readonly string[]> {
  if (/[*^~=]/.test(name)) return compilePhrase(codes, name, language);
  const { tokens } = analyse(name, language);
  if (ABBREVIATION.test(name)) {
    return {
      target: codes,
      elements: tokens.map((token) => ({ type: "exact", value: name.slice(token.start, token.end) })),
    };
  }
  const elements = tokens.map((token): Element => {
    const stem = token.stem.length <= token.word.length && token.word.startsWith(token.stem) ? token.stem : token.word;
    return stem.length >= 5 ? { type: "prefix", value: stem } : { type: "word", value: token.word };
  });
  const [only] = elements;
  if (elements.length === 1 && only?.type === "word")
    return { target: codes, elements: [{ type: "name", value: only.value }] };
  return { target: codes, elements };
}

function editorialLines(source: string): Array<{ codes: string[]; names: string[] }> {
  return source
    .trim()
    .split("\n")
    .map((line) => {
      const words = line.split(" ");
      const codes: string[] = [];
      while (words[0] && /^[A-Z]{2}$/.test(words[0])) codes.push(words.shift() as string);
      return { codes, names: words.join(" ").split("|").filter(Boolean) };
    });
}

let index: PhraseIndex<readonly string[]> | undefined;

/**
 * One index for text in any language: every country's display names in the six languages,
 * with the editorial names and group names. A display name two countries share ("Congo") is
 * left to the editorial names.
 */
export function countryIndex(): PhraseIndex<readonly string[]> {
  if (index) return index;
  const owners = new Map<string, { codes: Set<string>; language: Language }>();
  for (const language of LANGUAGES) {
    for (const code of COUNTRY_CODES) {
      for (const name of displayNames(code, language)) {
        const owner = owners.get(name) ?? { codes: new Set<string>(), language };
        owner.codes.add(code);
        owners.set(name, owner);
      }
    }
  }
  const phrases: Phrase<readonly string[]>[] = [];
  for (const [name, { codes, language }] of owners)
    if (codes.size === 1) phrases.push(namePhrase([...codes], name, language));
  for (const { codes, names } of [...editorialLines(EDITORIAL_NAMES), ...editorialLines(GROUP_NAMES)]) {
    for (const name of names) phrases.push(namePhrase(codes, name, CYRILLIC.test(name) ? "ru" : "en"));
  }
  index = new PhraseIndex(phrases);
  return index;
}

/**
 * Countries named in an analysed text, by name, demonym, capital, region, leader or
 * abbreviation, in order of first mention. Where names overlap, the one spelling out more
 * letters wins ("South Sudan" over "Sudan", "Nigeria" over "Niger"). Tokens for which
 * `skip` answers true (a city in a treaty's name: "the Ottawa Convention") name no country.
 */
export function findCountriesIn(analysis: Analysis, skip?: (token: number) => boolean): CountryMatch[] {
  const matches = countryIndex()
    .find(analysis)
    .filter((match) => !skip || !Array.from({ length: match.to - match.from }, (_, i) => match.from + i).some(skip));
  const claimed = new Set<number>();
  const kept: Array<PhraseMatch<readonly string[]>> = [];
  for (const match of [...matches].sort((a, b) => b.letters - a.letters || a.from - b.from)) {
    const tokens = Array.from({ length: match.to - match.from }, (_, i) => match.from + i);
    if (tokens.some((token) => claimed.has(token))) continue;
    for (const token of tokens) claimed.add(token);
    kept.push(match);
  }
  const found = new Map<string, CountryMatch>();
  for (const match of kept.sort((a, b) => a.from - b.from)) {
    for (const code of match.target) {
      if (!found.has(code)) found.set(code, { code, match: match.match, from: match.from, to: match.to });
    }
  }
  return [...found.values()];
}

/**
 * Countries named in a text. Names in every language are found whatever the text's language;
 * the language (English unless given) says which words make a city a treaty's name, as in
 * "the Ottawa Convention", where it names no country.
 */
export function findCountries(text: string, language: Language = "en"): CountryMatch[] {
  const analysis = analyse(text, language);
  const inTreatyName = treatyPlaceTokens(findConcepts(analysis));
  return findCountriesIn(analysis, (token) => inTreatyName.has(token)).map(({ code, match }) => ({ code, match }));
}

/**
 * The countries a short name stands for, as a person types one into a form ("Ukraine",
 * "Kyiv", "Ukrainians"): `findCountries` without reading treaties' names, which a name alone
 * does not hold, so that what serves forms leaves the concept lexicon out of its bundle.
 */
export function countriesNamed(name: string, language: Language = "en"): string[] {
  return findCountriesIn(analyse(name, language)).map(({ code }) => code);
}
