import { eld } from "eld/small";
import { isLanguage, LANGUAGES, type Language, languageFromTag } from "./language.ts";

/*
 * Kept apart from language.ts: the detector's n-gram tables are large, so only the code that
 * reads text (the fetch stage, the command line) should bundle them.
 */

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
