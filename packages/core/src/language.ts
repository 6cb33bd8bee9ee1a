import { eld } from "eld/small";

/** The languages treatywatch reads: its lexicon, stemmers and model cover these. */
export const LANGUAGES = ["en", "fr", "de", "es", "ru", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];

const KNOWN: ReadonlySet<string> = new Set(LANGUAGES);

function isLanguage(code: string): code is Language {
  return KNOWN.has(code);
}

/** Tags feeds use for a language of ours that is not its ISO 639-1 code. */
const ALIASES: Readonly<Record<string, Language>> = {
  ua: "uk",
  eng: "en",
  fra: "fr",
  deu: "de",
  spa: "es",
  rus: "ru",
  ukr: "uk",
};

/**
 * One of our languages from a BCP 47 tag as a feed declares it ("en-US", "ru_RU", "uk"),
 * or undefined when the tag names another language or none.
 */
export function languageFromTag(tag: string | undefined): Language | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  if (!primary) return undefined;
  return isLanguage(primary) ? primary : ALIASES[primary];
}

let detector: typeof eld | undefined;

function loadDetector(): typeof eld {
  if (!detector) {
    detector = eld;
    detector.setLanguageSubset([...LANGUAGES]);
  }
  return detector;
}

const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * The language of a text among ours, by the Efficient Language Detector's n-gram model
 * restricted to them. Text it cannot place (digits, another script) falls back on its
 * script: Cyrillic is read as Russian, anything else as English.
 */
export function detectLanguage(text: string): Language {
  const found = loadDetector().detect(text).language;
  if (isLanguage(found)) return found;
  return CYRILLIC.test(text) ? "ru" : "en";
}

/** The declared language when it is one of ours, else the detected one. */
export function languageOf(text: string, declared?: string | undefined): Language {
  return languageFromTag(declared) ?? detectLanguage(text);
}
