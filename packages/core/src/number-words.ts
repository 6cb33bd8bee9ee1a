import { fold, type Token } from "./analyse.ts";
import type { Language } from "./language.ts";

/**
 * The small numbers news writes out in words, by language (two to twelve, fifteen, and the tens
 * to fifty): "zehn Minenräumer getötet" and "10 deminers killed" give one figure, so the
 * clusterer can match them. Russian and Ukrainian also count people with collective forms
 * (двое, п'ятеро) and write numbers in their cases (трёх, десяти), which are listed too. One is
 * left out, as figures are, and so is French "neuf", which as often means new.
 */
const SPELLED: Record<Language, Record<string, number>> = {
  en: {
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
    eleven: 11,
    twelve: 12,
    fifteen: 15,
    twenty: 20,
    thirty: 30,
    forty: 40,
    fifty: 50,
  },
  de: {
    zwei: 2,
    drei: 3,
    vier: 4,
    fünf: 5,
    sechs: 6,
    sieben: 7,
    acht: 8,
    neun: 9,
    zehn: 10,
    elf: 11,
    zwölf: 12,
    fünfzehn: 15,
    zwanzig: 20,
    dreißig: 30,
    vierzig: 40,
    fünfzig: 50,
  },
  fr: {
    deux: 2,
    trois: 3,
    quatre: 4,
    cinq: 5,
    six: 6,
    sept: 7,
    huit: 8,
    dix: 10,
    onze: 11,
    douze: 12,
    quinze: 15,
    vingt: 20,
    trente: 30,
    quarante: 40,
    cinquante: 50,
  },
  es: {
    dos: 2,
    tres: 3,
    cuatro: 4,
    cinco: 5,
    seis: 6,
    siete: 7,
    ocho: 8,
    nueve: 9,
    diez: 10,
    once: 11,
    doce: 12,
    quince: 15,
    veinte: 20,
    treinta: 30,
    cuarenta: 40,
    cincuenta: 50,
  },
  ru: {
    два: 2,
    две: 2,
    двое: 2,
    двух: 2,
    три: 3,
    трое: 3,
    трёх: 3,
    четыре: 4,
    четверо: 4,
    четырёх: 4,
    пять: 5,
    пятеро: 5,
    пяти: 5,
    шесть: 6,
    шестеро: 6,
    шести: 6,
    семь: 7,
    семеро: 7,
    семи: 7,
    восемь: 8,
    восьми: 8,
    девять: 9,
    девяти: 9,
    десять: 10,
    десятеро: 10,
    десяти: 10,
    двенадцать: 12,
    пятнадцать: 15,
    двадцать: 20,
    двадцати: 20,
    тридцать: 30,
    сорок: 40,
    пятьдесят: 50,
  },
  uk: {
    два: 2,
    дві: 2,
    двоє: 2,
    двох: 2,
    три: 3,
    троє: 3,
    трьох: 3,
    чотири: 4,
    четверо: 4,
    чотирьох: 4,
    "п'ять": 5,
    "п'ятеро": 5,
    "п'яти": 5,
    шість: 6,
    шестеро: 6,
    шести: 6,
    сім: 7,
    семеро: 7,
    семи: 7,
    вісім: 8,
    восьми: 8,
    "дев'ять": 9,
    "дев'яти": 9,
    десять: 10,
    десятеро: 10,
    десяти: 10,
    дванадцять: 12,
    "п'ятнадцять": 15,
    двадцять: 20,
    двадцяти: 20,
    тридцять: 30,
    сорок: 40,
    "п'ятдесят": 50,
  },
};

/** The same words as tokens carry them: folded (see `fold`). */
const FOLDED = new Map(
  Object.entries(SPELLED).map(([language, words]) => [
    language,
    new Map(Object.entries(words).map(([word, value]) => [fold(word), value])),
  ]),
);

/** Words that make the number before them larger: "two million" is no 2. */
const SCALE =
  /^(?:hundred|thousand|million|billion|hundert|tausend|milliard|cent|mille|mil|cien|ciento|millon|сот|тысяч|тисяч|миллион|мильон|мільйон|миллиард|мільярд)/;
const DIGITS = /^\d+$/;

/**
 * The figures a text writes in words, as `figuresIn` gives those written in digits. A tens word
 * and a units word together are one number ("twenty-five", "двадцять п'ять": 25); a number word
 * after a figure ("15 sept.", a date) or before a scale ("two million") is none.
 */
export function spelledFigures(tokens: readonly Token[], language: Language): string[] {
  const words = FOLDED.get(language);
  const found: string[] = [];
  if (!words) return found;
  for (let at = 0; at < tokens.length; at++) {
    const value = words.get((tokens[at] as Token).word);
    if (value === undefined) continue;
    const previous = tokens[at - 1]?.word;
    const next = tokens[at + 1]?.word;
    if (previous !== undefined && DIGITS.test(previous)) continue;
    if (next !== undefined && SCALE.test(next)) continue;
    const units = next === undefined ? undefined : words.get(next);
    if (units !== undefined) {
      // A compound: tens then units is their sum; any other pair is no figure we can tell.
      if (value % 10 === 0 && value >= 20 && units < 10) found.push(String(value + units));
      at++;
      continue;
    }
    found.push(String(value));
  }
  return found;
}
