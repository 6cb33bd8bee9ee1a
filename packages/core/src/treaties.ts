import type { Analysis } from "./analyse.ts";
import type { ConceptId, ConceptMatch } from "./concepts.ts";
import { LANGUAGES, type Language } from "./language.ts";
import { compileAlternatives, compilePhrase, type Phrase, PhraseIndex } from "./phrases.ts";
import type { TreatyId } from "./taxonomy.ts";

/**
 * A treaty is named outright ("Ottawa Convention", "ДВЗЯИ", "Atomwaffensperrvertrag"), or
 * described: a treaty word near what it bans ("the convention banning anti-personnel mines",
 * "договор о запрещении ядерных испытаний"). Names are phrases in the syntax of `phrases.ts`.
 */
const TREATY_NAMES: Readonly<Record<TreatyId, Partial<Record<Language | "any", string>>>> = {
  "mine-ban": {
    en: "mine ban treaty | mine ban convention | landmine treaty | landmine ban treaty | landmines treaty | anti personnel mine ban",
    de: "~minenverbot | ~minenvertrag | ~minenabkommen | ~minenkonvention | ~minenubereinkommen",
  },
  ccm: {
    any: "^CCM",
    de: "~streumunitionsverbot | ~streumunitionsabkommen | ~streumunitionsubereinkommen | ~streumunitionskonvention | ~streubombenverbot",
  },
  ccw: {
    any: "^CCW ^CCAC ^КНО",
    en: "certain conventional weapons",
    fr: "certaines armes classiques",
    de: "bestimmte konventionelle waffen | bestimmter konventioneller waffen | ~waffenubereinkommen",
    es: "ciertas armas convencionales",
    ru: "конкретн* вид* обычн* оружи*",
    uk: "конкретн* вид* звичайн* зброї",
  },
  att: {
    any: "^ATT ^ДТО",
    en: "arms trade treaty",
    fr: "traité commerce armes",
    de: "~waffenhandelsvertrag | ~waffenhandelsabkommen | vertrag waffenhandel",
    es: "tratado comercio armas",
    ru: "договор* торговл* оружи*",
    uk: "договор* торгівл* зброє* | договір торгівл* зброє*",
  },
  ctbt: {
    any: "^CTBT ^CTBTO ^ДВЗЯИ ^ДВЗЯВ ^ДВЗЯО ^TICE ^TPCE ^OTICE ^OTPCE",
    en: "test ban | test-ban",
    fr: "interdiction complète essais",
    de: "~teststopp",
    es: "prohibición completa ensayos | prohibición ensayos nucleares | prohibición pruebas nucleares",
    ru: "всеобъемлющ* запрещени*",
    uk: "всеосяжн* заборон*",
  },
  "new-start": {
    any: "^START ^СНВ ^ДСНВ ^СНО ^ДСНО ^СНВ-3",
    en: "strategic arms reduction | new start",
    fr: "réduction armes stratégiques | new start",
    de: "new start",
    es: "reducción armas estratégicas | new start | nuevo start",
    ru: "сокращени* стратегическ* наступательн*",
    uk: "скорочен* стратегічн* наступальн*",
  },
  npt: {
    any: "^NPT ^TNP ^ДНЯО ^ДНЯЗ ^NVV",
    en: "non proliferation treaty | nonproliferation treaty",
    fr: "traité non prolifération",
    de: "~atomwaffensperrvertrag | ~sperrvertrag | ~nichtverbreitungsvertrag",
    es: "tratado proliferación",
    ru: "договор* нераспространени*",
    uk: "договор* нерозповсюдж* | договір нерозповсюдж*",
  },
  inf: {
    any: "^INF ^ДРСМД ^РСМД ^FNI",
    en: "intermediate range nuclear forces",
    fr: "forces nucléaires portée intermédiaire",
    es: "fuerzas nucleares alcance intermedio",
    ru: "ракет* средн* меньш* дальност*",
    uk: "ракет* середн* менш* дальност*",
  },
};

/** Every treaty name as written, for checks on the lexicon itself. */
export function treatyPhrases(): Array<{ treaty: TreatyId; phrase: string }> {
  return (Object.entries(TREATY_NAMES) as Array<[TreatyId, Partial<Record<Language | "any", string>>]>).flatMap(
    ([treaty, say]) =>
      (Object.entries(say) as Array<[string, string]>).flatMap(([language, source]) =>
        source
          .split(language === "any" ? /\s+/ : "|")
          .map((phrase) => phrase.trim())
          .filter(Boolean)
          .map((phrase) => ({ treaty, phrase })),
      ),
  );
}

/** Acronyms that also spell other things count only beside a treaty, meeting or weapon word. */
const AMBIGUOUS_ACRONYMS: ReadonlySet<string> = new Set([
  "START",
  "ATT",
  "INF",
  "CCW",
  "СНО",
  "FNI",
  "NVV",
  "TNP",
  "new start",
]);
const CONTEXT_WORDS: ReadonlySet<ConceptId> = new Set([
  "treaty",
  "meet",
  "nuclear",
  "arms-control",
  "withdraw",
  "suspend",
  "ratify",
]);

let indexes: Readonly<Record<Language, PhraseIndex<TreatyId>>> | undefined;

function treatyIndexes(): Readonly<Record<Language, PhraseIndex<TreatyId>>> {
  if (indexes) return indexes;
  const built = {} as Record<Language, PhraseIndex<TreatyId>>;
  for (const language of LANGUAGES) {
    const phrases: Phrase<TreatyId>[] = [];
    for (const [treaty, say] of Object.entries(TREATY_NAMES) as Array<
      [TreatyId, Partial<Record<Language | "any", string>>]
    >) {
      const own = say[language];
      if (own) phrases.push(...compileAlternatives(treaty, own, language));
      for (const name of say.any?.split(/\s+/).filter(Boolean) ?? [])
        phrases.push(compilePhrase(treaty, name, language));
    }
    built[language] = new PhraseIndex(phrases);
  }
  indexes = built;
  return built;
}

/** The index of treaty names in a language. */
export function treatyIndex(language: Language): PhraseIndex<TreatyId> {
  return treatyIndexes()[language];
}

/**
 * What a treaty word, or a ban, near a concept describes: the convention banning landmines
 * is the mine ban treaty; a treaty on, or a ban of, nuclear tests is the test-ban treaty.
 */
const DESCRIBED_BY: ReadonlyArray<{ treaty: TreatyId; near: readonly ConceptId[]; within: number; byBan: boolean }> = [
  { treaty: "mine-ban", near: ["ottawa"], within: 3, byBan: false },
  { treaty: "mine-ban", near: ["landmine"], within: 6, byBan: true },
  // "Abkommen zu Minen", "the treaty on mines": a mine of no named kind, right beside the treaty word.
  { treaty: "mine-ban", near: ["mine"], within: 3, byBan: true },
  { treaty: "ccm", near: ["oslo"], within: 3, byBan: false },
  { treaty: "ccm", near: ["cluster-munition"], within: 6, byBan: true },
  { treaty: "ctbt", near: ["nuclear-test"], within: 6, byBan: true },
];

export interface TreatyMatch {
  treaty: TreatyId;
  match: string;
  /** Token positions of the name or description, so a city in it ("Ottawa") is not read as a country. */
  from: number;
  to: number;
}

function near(a: { from: number; to: number }, b: { from: number; to: number }, within: number): boolean {
  return a.from - b.to < within && b.from - a.to < within;
}

/**
 * The treaties an analysed text names or describes. A treaty word counts near what the
 * treaty bans, and a ban word near an anti-personnel mine or a cluster munition names the
 * ban itself ("the landmine ban", "prohibición de minas antipersonal").
 */
export function findTreaties(analysis: Analysis, concepts: readonly ConceptMatch[]): TreatyMatch[] {
  const found: TreatyMatch[] = [];
  const conceptsPresent = new Set(concepts.map((concept) => concept.target));
  for (const match of treatyIndexes()[analysis.language].find(analysis)) {
    const ambiguous = AMBIGUOUS_ACRONYMS.has(match.match) || AMBIGUOUS_ACRONYMS.has(match.match.toLowerCase());
    if (ambiguous && !concepts.some((concept) => CONTEXT_WORDS.has(concept.target))) continue;
    found.push({ treaty: match.target, match: match.match, from: match.from, to: match.to });
  }
  // "The Ottawa Convention Centre" is a building.
  const venues = concepts.filter((concept) => concept.target === "ottawa-city");
  const treatyWords = concepts.filter(
    (concept) =>
      (concept.target === "treaty" || concept.target === "ban") &&
      !venues.some((venue) => venue.from <= concept.from && concept.to <= venue.to),
  );
  for (const { treaty, near: described, within, byBan } of DESCRIBED_BY) {
    if (!described.some((concept) => conceptsPresent.has(concept))) continue;
    for (const word of treatyWords) {
      if (word.target === "ban" && !byBan) continue;
      const object = concepts.find((concept) => described.includes(concept.target) && near(concept, word, within));
      if (!object) continue;
      const from = Math.min(object.from, word.from);
      const to = Math.max(object.to, word.to);
      const tokens = analysis.tokens;
      const text = analysis.text.slice(tokens[from]?.start ?? 0, tokens[to - 1]?.end ?? 0);
      found.push({ treaty, match: text, from, to });
      break;
    }
  }
  // One treaty once, where it is first named.
  const first = new Map<TreatyId, TreatyMatch>();
  for (const match of found.sort((a, b) => a.from - b.from))
    if (!first.has(match.treaty)) first.set(match.treaty, match);
  return [...first.values()];
}

const TREATY_PLACES: ReadonlySet<ConceptId> = new Set(["ottawa", "oslo"]);

/**
 * Token positions of cities that name a treaty where they do ("the Ottawa Convention",
 * "Oslo-Übereinkommen"): those words name no country there.
 */
export function treatyPlaceTokens(concepts: readonly ConceptMatch[]): Set<number> {
  const tokens = new Set<number>();
  const words = concepts.filter((concept) => concept.target === "treaty");
  for (const place of concepts) {
    if (!TREATY_PLACES.has(place.target) || !words.some((word) => near(place, word, 3))) continue;
    for (let at = place.from; at < place.to; at++) tokens.add(at);
  }
  return tokens;
}
