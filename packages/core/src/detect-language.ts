import { isLanguage, type Language, languageFromTag } from "./language.ts";
import { BYTE_CHARACTERS, NGRAM_SCORES, SEPARATORS, TABLE_LANGUAGES } from "./language-table.ts";

/*
 * The Efficient Language Detector's method (eld, https://github.com/nitotm/efficient-language-detector-js),
 * restricted to our six languages: the text's words as UTF-8 bytes, their four-byte pieces
 * looked up in eld's small n-gram table, each language scored by the pieces it knows. The table
 * (language-table.ts) is eld's cut to our languages, so a lookup reads six scores instead of
 * sixty and the code that reads text bundles a sixth of the data; the answer is eld's to the
 * last tie (language-table.test.ts compares them). Kept apart from language.ts: only the code
 * that reads text (the fetch stage, the command line) should bundle the table.
 */

/** eld reads at most this much of a text, and stops at the first space after 350 bytes of it, or at 380 bytes. */
const TEXT_CHARS = 1000;
const CUT_AFTER_BYTES = 350;
const ENFORCE_CUT_AFTER_BYTES = 380;
/** Words longer than this are read as if cut here, as eld reads them. */
const WORD_BYTES = 70;
/** eld subtracts this from every stored score to keep its tables small. */
const BASE_NGRAM_SCORE = 53;

/**
 * The n-gram table: every n-gram's (language position, score) pairs end to end in one array,
 * and each n-gram's place in it as one small integer (where its pairs start, times 16, plus how
 * many numbers they take: at most 12). About a megabyte, where an array an n-gram took 3.6 MB
 * (a typed array and its buffer each for 14,444 n-grams), held for as long as the process reads text.
 */
interface NgramTable {
  pairs: Int32Array;
  places: Map<string, number>;
}

const PLACE_LENGTH_BITS = 4;
let table: NgramTable | undefined;

function ngramTable(): NgramTable {
  if (!table) {
    const parsed = Object.entries(JSON.parse(NGRAM_SCORES) as Record<string, number[]>);
    const pairs = new Int32Array(parsed.reduce((total, [, scores]) => total + scores.length, 0));
    const places = new Map<string, number>();
    let at = 0;
    for (const [ngram, scores] of parsed) {
      if (scores.length >= 1 << PLACE_LENGTH_BITS) throw new Error(`n-gram ${ngram} has too many scores`);
      pairs.set(scores, at);
      places.set(ngram, at * (1 << PLACE_LENGTH_BITS) + scores.length);
      at += scores.length;
    }
    table = { pairs, places };
  }
  return table;
}

/** An n-gram's (language position, score) pairs, a view into the table; undefined when it scores no language. */
function pairsOf(ngram: string): Int32Array | undefined {
  const { pairs, places } = ngramTable();
  const place = places.get(ngram);
  if (place === undefined) return undefined;
  const start = Math.floor(place / (1 << PLACE_LENGTH_BITS));
  return pairs.subarray(start, start + (place % (1 << PLACE_LENGTH_BITS)));
}

/** The words of a lower-cased text as eld spells them: each UTF-8 byte as its stand-in character. */
function byteWords(text: string): string[] {
  let encoded = "";
  const words: string[] = [];
  let bytes = 0;
  for (let at = 0; at < text.length; at++) {
    let code = text.charCodeAt(at);
    if (code < 0x80) {
      if (code === 32) {
        if (encoded !== "") {
          words.push(encoded);
          encoded = "";
        }
        if (bytes > CUT_AFTER_BYTES) break;
      } else {
        encoded += text[at];
      }
      bytes++;
    } else if (code < 0x800) {
      encoded += (BYTE_CHARACTERS[0xc0 | (code >> 6)] as string) + BYTE_CHARACTERS[0x80 | (code & 0x3f)];
      bytes += 2;
    } else if (code < 0xd800 || code >= 0xe000) {
      encoded +=
        (BYTE_CHARACTERS[0xe0 | (code >> 12)] as string) +
        BYTE_CHARACTERS[0x80 | ((code >> 6) & 0x3f)] +
        BYTE_CHARACTERS[0x80 | (code & 0x3f)];
      bytes += 3;
    } else {
      at++;
      code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(at) & 0x3ff));
      encoded +=
        (BYTE_CHARACTERS[0xf0 | (code >> 18)] as string) +
        BYTE_CHARACTERS[0x80 | ((code >> 12) & 0x3f)] +
        BYTE_CHARACTERS[0x80 | ((code >> 6) & 0x3f)] +
        BYTE_CHARACTERS[0x80 | (code & 0x3f)];
      bytes += 4;
    }
    if (bytes > ENFORCE_CUT_AFTER_BYTES) break;
  }
  if (encoded !== "") words.push(encoded);
  return words;
}

/** A word's n-grams: four bytes every three, the first marked by a leading space, the last by a trailing one. */
function wordNgrams(word: string): string[] {
  const ngrams: string[] = [];
  const length = Math.min(word.length, WORD_BYTES);
  let at = 0;
  for (; at + 4 < length; at += 3) ngrams.push((at === 0 ? " " : "") + word.substring(at, at + 4));
  ngrams.push(`${at === 0 ? " " : ""}${word.substring(length !== 3 ? length - 4 : 0)} `);
  return ngrams;
}

/** An n-gram of eld's table as a text's words point at it: its scores, and the text that last counted it. */
interface Ngram {
  pairs: Int32Array | undefined;
  counted: number;
}

/**
 * A word as the detector spells it, worked out once (as are its n-grams, each with its scores
 * looked up): news repeats its words, and a word is spelled the same wherever it stands.
 */
interface WordBytes {
  encoded: string;
  bytes: number;
  /** Its n-grams as `ngramsOfWord` gives them, while `ngramsMet` has not been forgotten since. */
  ngrams?: Ngram[] | undefined;
  ngramsAge?: number | undefined;
}

const WORDS_KEPT = 50_000;
const encodedWords = new Map<string, WordBytes | null>();
/** Each spelled word's n-grams, and each n-gram once: a text counts an n-gram it holds twice once. */
const wordNgramCache = new Map<string, Ngram[]>();
const ngramsMet = new Map<string, Ngram>();
/** How many times `ngramsMet` has been forgotten: n-grams a word kept from before are records no longer counted. */
let ngramsAge = 0;
let textsScored = 0;

function ngramsOfWord(encoded: string): Ngram[] {
  let ngrams = wordNgramCache.get(encoded);
  if (!ngrams) {
    ngrams = wordNgrams(encoded).map((ngram) => {
      let met = ngramsMet.get(ngram);
      if (!met) {
        met = { pairs: pairsOf(ngram), counted: 0 };
        ngramsMet.set(ngram, met);
      }
      return met;
    });
    wordNgramCache.set(encoded, ngrams);
  }
  return ngrams;
}

/** A word without spaces as `byteWords` spells it, or null when it holds a surrogate (read the long way). */
function encodedWord(word: string): WordBytes | null {
  let found = encodedWords.get(word);
  if (found === undefined) {
    found = null;
    if (!/[\ud800-\udfff]/.test(word)) {
      const [encoded = ""] = byteWords(word);
      found = { encoded, bytes: Buffer.byteLength(word) };
    }
    if (encodedWords.size >= WORDS_KEPT) encodedWords.clear();
    encodedWords.set(word, found);
  }
  return found;
}

/**
 * `byteWords` word by word from what is known of each: the same words, cut at the same place.
 * A text whose cut falls inside a word, or with a word it cannot spell so, is read the long way.
 */
function byteWordsByWord(text: string): Array<string | WordBytes> {
  const words: Array<string | WordBytes> = [];
  let bytes = 0;
  let at = 0;
  while (at <= text.length) {
    let end = text.indexOf(" ", at);
    if (end < 0) end = text.length;
    if (end > at) {
      const word = encodedWord(text.slice(at, end));
      if (word === null || bytes + word.bytes > ENFORCE_CUT_AFTER_BYTES) return byteWords(text);
      bytes += word.bytes;
      if (word.encoded !== "") words.push(word);
    }
    if (end === text.length) break;
    // A space: the cut after enough bytes, then the space's own byte.
    if (bytes > CUT_AFTER_BYTES) break;
    bytes++;
    if (bytes > ENFORCE_CUT_AFTER_BYTES) break;
    at = end + 1;
  }
  return words;
}

/** Each of our languages' score for a text (in TABLE_LANGUAGES order), and how many distinct n-grams it has. */
export function eldScores(text: string): { scores: number[]; ngrams: number } {
  const cleaned = text.substring(0, TEXT_CHARS).replace(SEPARATORS, " ").trim().toLowerCase();
  const scores = new Array<number>(TABLE_LANGUAGES.length).fill(0);
  // Forgotten between texts, never during one: each n-gram has one record while a text is scored.
  if (wordNgramCache.size >= WORDS_KEPT || ngramsMet.size >= 4 * WORDS_KEPT) {
    wordNgramCache.clear();
    ngramsMet.clear();
    ngramsAge++;
  }
  const scored = ++textsScored;
  let distinct = 0;
  for (const word of byteWordsByWord(cleaned)) {
    let ngrams: Ngram[];
    if (typeof word === "string") ngrams = ngramsOfWord(word);
    else {
      // A word known by its spelling keeps its n-grams, saving the lookup of its spelling.
      if (word.ngrams === undefined || word.ngramsAge !== ngramsAge) {
        word.ngrams = ngramsOfWord(word.encoded);
        word.ngramsAge = ngramsAge;
      }
      ngrams = word.ngrams;
    }
    for (const ngram of ngrams) {
      if (ngram.counted === scored) continue;
      ngram.counted = scored;
      distinct++;
      const pairs = ngram.pairs;
      if (!pairs) continue;
      for (let k = 0; k < pairs.length; k += 2) {
        const position = pairs[k] as number;
        scores[position] = (scores[position] as number) + (pairs[k + 1] as number) + BASE_NGRAM_SCORE;
      }
    }
  }
  return { scores, ngrams: distinct };
}

/**
 * eld's answer among our languages: the one whose n-grams score highest, the first in eld's
 * order on a tie; undefined when no n-gram of the text scores any of them.
 */
export function eldLanguage(text: string): Language | undefined {
  let best: Language | undefined;
  let bestScore = 0;
  eldScores(text).scores.forEach((score, position) => {
    if (score > 0 && score > bestScore) {
      bestScore = score;
      best = TABLE_LANGUAGES[position];
    }
  });
  return best;
}

const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * The language of a text among ours, by the Efficient Language Detector's n-gram model
 * restricted to them. Text it cannot place (digits, another script) falls back on its
 * script: Cyrillic is read as Russian, anything else as English.
 */
export function detectLanguage(text: string): Language {
  const found = eldLanguage(text);
  if (found && isLanguage(found)) return found;
  return CYRILLIC.test(text) ? "ru" : "en";
}

const CYRILLIC_LANGUAGES: ReadonlySet<Language> = new Set(["ru", "uk"]);

/**
 * The declared language when it is one of ours and the text is written in its script,
 * else the detected one: aggregators declare one language for items in several.
 */
export function languageOf(text: string, declared?: string | undefined): Language {
  const tagged = languageFromTag(declared);
  if (tagged && CYRILLIC_LANGUAGES.has(tagged) === CYRILLIC.test(text)) return tagged;
  return detectLanguage(text);
}
