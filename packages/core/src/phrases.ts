import { type Analysis, analyse, fold, isStopword, type Token } from "./analyse.ts";
import type { Language } from "./language.ts";

/**
 * Phrases matched over analysed text, token by token, so that one written form finds
 * every inflection. A phrase is words separated by spaces, each matching one token in turn:
 * - `word`   the token's stem equals the word's stem in the phrase's language;
 * - `=word`  the token is this word, in any case (for forms whose stem a stemmer shares with
 *            other words: "mined" and "mines" are both "mine" to the English stemmer);
 * - `word*`  the token starts with these letters ("разминир*" finds every form of the verb);
 * - `~part`  the token contains these letters, for compounds ("~minen" finds "Landminen");
 * - `^WORD`  the token is written exactly so (acronyms: "^MAG", "^START").
 * Letters are compared folded: lower case, without accents (é→e, й→и, ß→ss). Function words
 * are left out of phrases and skipped in the text, so "bombas racimo" finds "bombas de racimo"
 * and "champ mines" finds "champs de mines".
 */
export type Element =
  | { type: "stem"; value: string }
  | { type: "word"; value: string }
  /** The word written with a capital, or its English possessive: a name that is also a common word ("Того", "того"). */
  | { type: "name"; value: string }
  | { type: "prefix"; value: string }
  | { type: "part"; value: string }
  | { type: "exact"; value: string };

export interface Phrase<T> {
  target: T;
  elements: Element[];
}

/** The folded letters of a written form, as tokens fold them. */
export function foldedForm(raw: string): string {
  return analyse(raw, "en")
    .tokens.map((token) => token.word)
    .join("");
}

function element(raw: string, language: Language): Element {
  if (raw.startsWith("^")) return { type: "exact", value: raw.slice(1) };
  if (raw.startsWith("~")) return { type: "part", value: foldedForm(raw.slice(1)) };
  if (raw.startsWith("=")) return { type: "word", value: foldedForm(raw.slice(1)) };
  if (raw.endsWith("*")) return { type: "prefix", value: foldedForm(raw.slice(0, -1)) };
  const token = analyse(raw, language).tokens[0];
  return { type: "stem", value: token?.stem ?? foldedForm(raw) };
}

/** One phrase in the syntax above. Hyphens part words, as they part tokens. */
export function compilePhrase<T>(target: T, phrase: string, language: Language): Phrase<T> {
  const words = phrase
    .trim()
    .split(/\s+/)
    .flatMap((word) => (/^[\^~=]/.test(word) ? [word] : word.split("-")))
    .filter(Boolean);
  const content = words.filter((word) => /[*^~=]/.test(word) || !isStopword(foldedForm(word), language));
  return { target, elements: (content.length > 0 ? content : words).map((word) => element(word, language)) };
}

/** `a | b c | d*`: alternatives, each a phrase. */
export function compileAlternatives<T>(target: T, source: string, language: Language): Phrase<T>[] {
  return source
    .split("|")
    .map((phrase) => phrase.trim())
    .filter(Boolean)
    .map((phrase) => compilePhrase(target, phrase, language));
}

/** A phrase found in a text. */
export interface PhraseMatch<T> {
  target: T;
  /** The text as written. */
  match: string;
  /** Token positions it covers: [from, to). */
  from: number;
  to: number;
  /** How many letters the phrase spells out: of two phrases found at one place, the longer says more. */
  letters: number;
}

function matches(element: Element, token: Token, text: string): boolean {
  switch (element.type) {
    case "stem":
      return token.stem === element.value;
    case "word":
      return token.word === element.value;
    case "name": {
      const first = text.charAt(token.start);
      return (token.word === element.value || token.word === `${element.value}'s`) && first !== first.toLowerCase();
    }
    case "prefix":
      return token.word.startsWith(element.value);
    case "part":
      return token.word.includes(element.value);
    case "exact":
      return text.slice(token.start, token.end) === element.value;
  }
}

function lettersOf(elements: readonly Element[]): number {
  let letters = 0;
  for (const element of elements) letters += element.value.length;
  return letters;
}

/** How many tokens the phrase covers from `at`, function words between its words included; 0 when it does not match. */
function lengthAt<T>(phrase: Phrase<T>, tokens: readonly Token[], at: number, text: string): number {
  const { elements } = phrase;
  let position = at;
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index] as Element;
    if (index > 0) while (tokens[position]?.stop && !matches(element, tokens[position] as Token, text)) position++;
    const token = tokens[position];
    if (!token || !matches(element, token, text)) return 0;
    position++;
  }
  return position - at;
}

/** The folded word a token spelled exactly `written` has, as `analyse` folds it. */
function wordOfWritten(written: string): string {
  return fold(written.toLowerCase().replace(/[’ʼ]/g, "'"));
}

/** The phrases a word can start, by its stem, its own letters and its first two, found once per word. */
interface WordCandidates {
  stem: string;
  phrases: Phrase<unknown>[];
  /** Phrases starting with a compound part the word holds. */
  parts: Phrase<unknown>[];
  /** Whether some exact spelling is this word, so the text at the token is worth looking up. */
  spelled: boolean;
}

/** Phrase indexes made so far: each one's number is its place in a word's memo. */
let indexesMade = 0;

/** Adds the phrase's match at `at`, unless it does not match there or its target was found there already. */
function tryPhrase<T>(
  phrase: Phrase<T>,
  analysis: Analysis,
  at: number,
  reportedFrom: number,
  found: PhraseMatch<T>[],
) {
  for (let index = reportedFrom; index < found.length; index++) {
    if ((found[index] as PhraseMatch<T>).target === phrase.target) return;
  }
  const { tokens, text } = analysis;
  const length = lengthAt(phrase, tokens, at, text);
  if (length === 0) return;
  const first = tokens[at] as Token;
  const last = tokens[at + length - 1] ?? first;
  found.push({
    target: phrase.target,
    match: text.slice(first.start, last.end),
    from: at,
    to: at + length,
    letters: lettersOf(phrase.elements),
  });
}

/** Words whose candidates an index remembers before it starts over. */
const CANDIDATE_WORDS_KEPT = 50_000;
const NONE: Phrase<unknown>[] = [];

/**
 * Phrases indexed by how their first word can match, so that a token is tried only
 * against the phrases it could start: by stem, by word, by its first two letters, and (for
 * compound parts and exact spellings, which no key finds) always.
 */
export class PhraseIndex<T> {
  readonly #byStem = new Map<string, Phrase<T>[]>();
  readonly #byWord = new Map<string, Phrase<T>[]>();
  readonly #byPrefix = new Map<string, Phrase<T>[]>();
  readonly #parts: Phrase<T>[] = [];
  readonly #exact = new Map<string, Phrase<T>[]>();

  /** The phrases, in the order given. */
  readonly phrases: readonly Phrase<T>[];

  constructor(phrases: Iterable<Phrase<T>>) {
    this.phrases = [...phrases];
    for (const phrase of this.phrases) {
      const first = phrase.elements[0];
      if (!first) continue;
      if (first.type === "stem") push(this.#byStem, first.value, phrase);
      else if (first.type === "word") push(this.#byWord, first.value, phrase);
      else if (first.type === "name") {
        push(this.#byWord, first.value, phrase);
        push(this.#byWord, `${first.value}'s`, phrase);
      } else if (first.type === "exact") push(this.#exact, first.value, phrase);
      else if (first.type === "prefix" && first.value.length >= 2)
        push(this.#byPrefix, first.value.slice(0, 2), phrase);
      else this.#parts.push(phrase);
    }
  }

  /** One pattern over every compound part, so a token that holds none is passed over at once. */
  #anyPart: RegExp | undefined;

  #partsIn(word: string): Phrase<T>[] {
    if (this.#parts.length === 0) return [];
    this.#anyPart ??= new RegExp(
      [...new Set(this.#parts.map((phrase) => phrase.elements[0]?.value ?? ""))]
        .filter(Boolean)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("|"),
    );
    if (!this.#anyPart.test(word)) return [];
    return this.#parts.filter((phrase) => word.includes(phrase.elements[0]?.value ?? "\u0000"));
  }

  readonly #candidates = new Map<string, WordCandidates>();
  readonly #number = indexesMade++;

  /** Folded words of the exact spellings: a token can be spelled so only if its word is one of these. */
  #exactWords: Set<string> | undefined;

  /** The phrases a token can start, other than by exact spelling: by stem, by word, by prefix, then by part. */
  #candidatesOf(token: Token, exactWords: ReadonlySet<string>): WordCandidates {
    const memo = token.memo;
    const known = memo?.found[this.#number] as WordCandidates | undefined;
    if (known) return known;
    const cached = this.#candidates.get(token.word);
    if (cached && cached.stem === token.stem) {
      if (memo) memo.found[this.#number] = cached;
      return cached;
    }
    // Only those whose first word this word can be: a word shares its first two letters with many prefixes it lacks.
    const phrases = [
      ...(this.#byStem.get(token.stem) ?? NONE),
      ...(this.#byWord.get(token.word) ?? NONE),
      ...(this.#byPrefix.get(token.word.slice(0, 2)) ?? NONE).filter((phrase) =>
        token.word.startsWith(phrase.elements[0]?.value ?? "\u0000"),
      ),
    ] as Phrase<unknown>[];
    const parts = this.#partsIn(token.word) as Phrase<unknown>[];
    const found = {
      stem: token.stem,
      phrases: phrases.length > 0 ? phrases : NONE,
      parts: parts.length > 0 ? parts : NONE,
      spelled: exactWords.has(token.word),
    };
    if (this.#candidates.size >= CANDIDATE_WORDS_KEPT) this.#candidates.clear();
    this.#candidates.set(token.word, found);
    if (memo) memo.found[this.#number] = found;
    return found;
  }

  /** Every phrase that matches, in text order; a target is reported once per starting token. */
  find(analysis: Analysis): PhraseMatch<T>[] {
    const { tokens, text } = analysis;
    const found: PhraseMatch<T>[] = [];
    this.#exactWords ??= new Set([...this.#exact.keys()].map(wordOfWritten));
    const exactWords = this.#exactWords;
    for (let at = 0; at < tokens.length; at++) {
      const token = tokens[at] as Token;
      const reportedFrom = found.length;
      const candidates = this.#candidatesOf(token, exactWords);
      const exact = candidates.spelled ? this.#exact.get(text.slice(token.start, token.end)) : undefined;
      if (candidates.phrases === NONE && candidates.parts === NONE && !exact) continue;
      for (const phrase of candidates.phrases) tryPhrase(phrase as Phrase<T>, analysis, at, reportedFrom, found);
      if (exact) for (const phrase of exact) tryPhrase(phrase, analysis, at, reportedFrom, found);
      for (const phrase of candidates.parts) tryPhrase(phrase as Phrase<T>, analysis, at, reportedFrom, found);
    }
    return found;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
