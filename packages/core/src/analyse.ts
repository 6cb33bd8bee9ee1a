/// <reference path="./types/stopword.d.ts" />
import { stemmer as stemEn } from "@orama/stemmers/english";
import { stemmer as stemFr } from "@orama/stemmers/french";
import { stemmer as stemDe } from "@orama/stemmers/german";
import { stemmer as stemRu } from "@orama/stemmers/russian";
import { stemmer as stemEs } from "@orama/stemmers/spanish";
import { stemmer as stemUk } from "@orama/stemmers/ukrainian";
import { deu, eng, fra, rus, spa, ukr } from "stopword";
import type { Language } from "./language.ts";

/** One word of a text: where it stands, its folded form and its stem. */
export interface Token {
  /** Lower case, accents and diacritics removed (й→и, ї→і, é→e, ß→ss). */
  word: string;
  /** The word's stem in the text's language, folded the same way. */
  stem: string;
  /** Offsets in the analysed text, for quoting what matched. */
  start: number;
  end: number;
  /** Written with a capital letter where a sentence does not start: a name, most often. */
  capitalised: boolean;
  /** A function word of the language (an article, a preposition ...). */
  stop: boolean;
  /** Shared by every token of the same word in the same language, for what is worked out once per word. */
  memo?: WordMemo | undefined;
}

/** What readers of a word work out once and keep with it: phrase indexes keep, by their number, the phrases it can start. */
export interface WordMemo {
  found: unknown[];
  /** Whether the word is a content word (`isContentToken`), asked of every token many times over. */
  content?: boolean | undefined;
}

export interface Analysis {
  language: Language;
  text: string;
  tokens: Token[];
}

const STEMMERS: Readonly<Record<Language, (word: string) => string>> = {
  en: stemEn,
  fr: stemFr,
  de: stemDe,
  es: stemEs,
  ru: stemRu,
  uk: stemUk,
};

const PLAIN = /^[\x20-\x7e]*$/;

/** Lower case without marks; the form every comparison of words uses. */
export function fold(word: string): string {
  if (PLAIN.test(word)) return word;
  return word
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/ß/g, "ss")
    .replace(/ё/g, "е");
}

/**
 * The folded stem of a lower-case word. Stemmers read the word with its accents (Russian
 * endings in -ий, German umlauts), so folding comes after; words with digits are kept whole.
 */
export function stem(word: string, language: Language): string {
  return wordOf(word, language).stem;
}

interface WordForms {
  word: string;
  stem: string;
  stop: boolean;
  memo: WordMemo;
}

/** An empty cache of words a language. */
function wordCachesByLanguage(): Record<Language, Map<string, WordForms>> {
  return { en: new Map(), fr: new Map(), de: new Map(), es: new Map(), ru: new Map(), uk: new Map() };
}

/** What a lower-case word is in a language, worked out once: news repeats its words. */
const wordCaches = wordCachesByLanguage();
const WORD_CACHE_LIMIT = 100_000;

function wordOf(lower: string, language: Language): WordForms {
  const cache = wordCaches[language];
  const cached = cache.get(lower);
  if (cached) return cached;
  const word = fold(lower);
  const stemmed = /\d/.test(lower) || lower.length < 3 ? lower : STEMMERS[language](lower);
  const stop = isStopword(word, language);
  const forms = {
    word,
    stem: fold(stemmed.length >= 2 ? stemmed : lower),
    stop,
    memo: { found: [], content: isContent(word, stop) },
  };
  if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
  cache.set(lower, forms);
  return forms;
}

/** Words as written (capitals and apostrophes as they stand) to what they are: lower-casing each one again cost more than a lookup. */
const writtenCaches = wordCachesByLanguage();

function writtenWordOf(raw: string, language: Language): WordForms {
  const cache = writtenCaches[language];
  let forms = cache.get(raw);
  if (!forms) {
    forms = wordOf(raw.toLowerCase().replace(/[’ʼ]/g, "'"), language);
    if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
    cache.set(raw, forms);
  }
  return forms;
}

// Letters and digits with inner apostrophes ("l'ONU" splits below, "п'ять" stays whole); a hyphen
// parts words, so "anti-personnel" reads as "anti personnel" and "Ottawa-Konvention" names Ottawa.
const WORD = /[\p{L}\p{N}]+(?:['’ʼ][\p{L}\p{N}]+)*/gu;
/** French and Italian elisions: "l'ONU" reads as "ONU", "d'Ottawa" as "Ottawa". */
const ELISION = /^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]/i;
const SENTENCE_END = /[.!?:;«»"“”]\s*$/;

/** Splits a text into tokens with stems in the given language. */
export function analyse(text: string, language: Language): Analysis {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    let raw = match[0];
    let start = match.index ?? 0;
    const elided = language === "fr" ? ELISION.exec(raw) : null;
    if (elided) {
      start += elided[0].length;
      raw = raw.slice(elided[0].length);
    }
    const first = raw.charAt(0);
    const capitalised =
      tokens.length > 0 &&
      first !== first.toLowerCase() &&
      !SENTENCE_END.test(text.slice(Math.max(0, start - 3), start)) &&
      /\p{L}/u.test(first);
    const { word, stem, stop, memo } = writtenWordOf(raw, language);
    tokens.push({ word, stem, start, end: start + raw.length, capitalised, stop, memo });
  }
  return { language, text, tokens };
}

const ALL_DIGITS = /^\d+$/;

function isContent(word: string, stop: boolean): boolean {
  return word.length >= 3 && !stop && !ALL_DIGITS.test(word);
}

/** Whether a token says something: three letters or more, not a number, not a function word. */
export function isContentToken(token: Token): boolean {
  return token.memo?.content ?? isContent(token.word, token.stop);
}

/** Function words only (the `stopword` package's lists): content words such as "mine" or "war" stay. */
const STOPWORDS: Readonly<Record<Language, ReadonlySet<string>>> = {
  en: new Set(eng.map(fold)),
  fr: new Set(fra.map(fold)),
  de: new Set(deu.map(fold)),
  es: new Set(spa.map(fold)),
  ru: new Set(rus.map(fold)),
  uk: new Set(ukr.map(fold)),
};

/** Whether a folded word is a function word of the language. */
export function isStopword(word: string, language: Language): boolean {
  return STOPWORDS[language].has(word);
}

const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  ґ: "g",
  д: "d",
  е: "e",
  є: "ye",
  ж: "zh",
  з: "z",
  и: "i",
  і: "i",
  ї: "yi",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
};

/**
 * A rough Latin spelling of a folded word, so that a name written in Cyrillic and in Latin
 * letters ("Магава", "Magawa") can be compared letter by letter.
 */
export function romanise(word: string): string {
  let latin = "";
  for (const char of word) latin += CYRILLIC_TO_LATIN[char] ?? char;
  return latin;
}
