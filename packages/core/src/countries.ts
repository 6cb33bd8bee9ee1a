import { foldForMatching } from "./text.ts";

/**
 * ISO 3166-1 alpha-2 code, English short name, then demonyms, capitals and
 * common aliases. Aliases are matched as whole words on folded text.
 */
const GAZETTEER: ReadonlyArray<readonly [string, string, ...string[]]> = [
  ["AF", "Afghanistan", "Afghan", "Afghans", "Kabul"],
  ["AO", "Angola", "Angolan", "Luanda"],
  ["AM", "Armenia", "Armenian", "Yerevan"],
  ["AZ", "Azerbaijan", "Azerbaijani", "Azeri", "Baku", "Karabakh"],
  ["BA", "Bosnia and Herzegovina", "Bosnia", "Bosnian", "Sarajevo"],
  ["BY", "Belarus", "Belarusian", "Minsk"],
  ["BE", "Belgium", "Belgian", "Brussels"],
  ["KH", "Cambodia", "Cambodian", "Phnom Penh"],
  ["CA", "Canada", "Canadian"],
  ["CN", "China", "Chinese", "Beijing"],
  ["CO", "Colombia", "Colombian", "Bogota"],
  ["HR", "Croatia", "Croatian", "Zagreb"],
  ["EE", "Estonia", "Estonian", "Tallinn"],
  ["ET", "Ethiopia", "Ethiopian", "Addis Ababa", "Tigray"],
  ["FI", "Finland", "Finnish", "Helsinki"],
  ["FR", "France", "French", "Paris"],
  ["DE", "Germany", "German", "Berlin"],
  ["IN", "India", "Indian", "New Delhi"],
  ["IR", "Iran", "Iranian", "Tehran"],
  ["IQ", "Iraq", "Iraqi", "Baghdad", "Mosul"],
  ["IL", "Israel", "Israeli", "Jerusalem"],
  ["PS", "Palestine", "Palestinian", "Gaza", "West Bank"],
  ["JP", "Japan", "Japanese", "Tokyo"],
  ["KP", "North Korea", "North Korean", "Pyongyang", "DPRK"],
  ["KR", "South Korea", "South Korean", "Seoul"],
  ["LA", "Laos", "Lao", "Laotian", "Vientiane"],
  ["LV", "Latvia", "Latvian", "Riga"],
  ["LB", "Lebanon", "Lebanese", "Beirut"],
  ["LY", "Libya", "Libyan", "Tripoli"],
  ["LT", "Lithuania", "Lithuanian", "Vilnius"],
  ["MM", "Myanmar", "Burma", "Burmese"],
  ["NO", "Norway", "Norwegian", "Oslo"],
  ["PK", "Pakistan", "Pakistani", "Islamabad"],
  ["PL", "Poland", "Polish", "Warsaw"],
  ["RU", "Russia", "Russian", "Russians", "Moscow", "Kremlin", "Russian Federation"],
  ["SO", "Somalia", "Somali", "Mogadishu"],
  ["SD", "Sudan", "Sudanese", "Khartoum"],
  ["SS", "South Sudan", "South Sudanese", "Juba"],
  ["SY", "Syria", "Syrian", "Damascus", "Aleppo", "Idlib"],
  ["TH", "Thailand", "Thai", "Bangkok"],
  ["TR", "Turkey", "Turkish", "Turkiye", "Ankara"],
  ["UA", "Ukraine", "Ukrainian", "Ukrainians", "Kyiv", "Kiev", "Kharkiv", "Donbas", "Zaporizhzhia", "Kherson"],
  ["GB", "United Kingdom", "British", "Britain", "UK", "London"],
  ["US", "United States", "American", "U.S.", "US", "USA", "Washington", "Pentagon", "White House"],
  ["VN", "Vietnam", "Vietnamese", "Hanoi"],
  ["YE", "Yemen", "Yemeni", "Sanaa", "Houthi", "Houthis"],
  ["ZW", "Zimbabwe", "Zimbabwean", "Harare"],
];

/** Names that stand for several countries at once. */
const GROUPS: ReadonlyArray<readonly [string, string[]]> = [
  ["Baltic states", ["EE", "LV", "LT"]],
  ["Baltics", ["EE", "LV", "LT"]],
  ["Baltic countries", ["EE", "LV", "LT"]],
];

export interface CountryMatch {
  code: string;
  match: string;
}

interface Entry {
  pattern: RegExp;
  codes: string[];
}

function aliasPattern(alias: string): RegExp {
  const folded = foldForMatching(alias).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Upper-case abbreviations ("US", "UK") only match as written, never the word "us".
  const caseSensitive = alias.length <= 4 && alias === alias.toUpperCase();
  const source = `(?<![\\p{L}\\p{N}])${caseSensitive ? alias.replace(/\./g, "\\.") : folded}(?![\\p{L}\\p{N}])`;
  return new RegExp(source, caseSensitive ? "gu" : "giu");
}

const ENTRIES: Entry[] = [
  ...GAZETTEER.flatMap(([code, ...aliases]) =>
    aliases.map((alias) => ({ pattern: aliasPattern(alias), codes: [code] })),
  ),
  ...GROUPS.map(([alias, codes]) => ({ pattern: aliasPattern(alias), codes })),
];

export function countryName(code: string): string | undefined {
  return GAZETTEER.find(([candidate]) => candidate === code)?.[1];
}

/** Countries named in a text, by any of their names, demonyms, capitals or aliases. */
export function findCountries(text: string): CountryMatch[] {
  const folded = foldForMatching(text);
  const found = new Map<string, CountryMatch>();
  for (const entry of ENTRIES) {
    const haystack = entry.pattern.flags.includes("i") ? folded : text;
    entry.pattern.lastIndex = 0;
    const hit = entry.pattern.exec(haystack);
    if (!hit) continue;
    for (const code of entry.codes) if (!found.has(code)) found.set(code, { code, match: hit[0] });
  }
  return [...found.values()];
}
