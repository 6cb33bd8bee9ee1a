/** The languages treatywatch reads: its lexicon, stemmers and model cover these. */
export const LANGUAGES = ["en", "fr", "de", "es", "ru", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];

const KNOWN: ReadonlySet<string> = new Set(LANGUAGES);

export function isLanguage(code: string): code is Language {
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
