import { foldForMatching } from "./text.ts";

/**
 * Every ISO 3166-1 country (and Kosovo, XK): alpha-2 code, English short name, then
 * demonyms, capitals (marked @), places and people that stand for the country in
 * the news, and names in French, German, Spanish, Russian and Ukrainian.
 */
const GAZETTEER = `
AD Andorra|Andorran|@Andorra la Vella
AE United Arab Emirates|UAE|Emirati|@Abu Dhabi|Dubai
AF Afghanistan|Afghan|Afghans|@Kabul|Afghanistans|Afganistán|Афганистан|Афганістан
AG Antigua and Barbuda|Antiguan|@St John's
AI Anguilla|Anguillan
AL Albania|Albanian|@Tirana|Albanien
AM Armenia|Armenian|Armenians|@Yerevan|Arménie|Armenien|Армения|Вірменія
AO Angola|Angolan|@Luanda
AQ Antarctica|Antarctic
AR Argentina|Argentine|Argentinian|@Buenos Aires|Argentinien
AS American Samoa
AT Austria|Austrian|@Vienna|Österreich|Autriche
AU Australia|Australian|@Canberra|Australie|Australien
AW Aruba|Aruban
AX Åland Islands|Aland
AZ Azerbaijan|Azerbaijani|Azeri|Azerbaijanis|@Baku|Karabakh|Kalbajar|Aserbaidschan|Azerbaïdjan|Азербайджан
BA Bosnia and Herzegovina|Bosnia|Bosnian|@Sarajevo|Bosnien|Bosnie|Босния
BB Barbados|Barbadian|@Bridgetown
BD Bangladesh|Bangladeshi|@Dhaka|Rohingya
BE Belgium|Belgian|@Brussels|Belgien|Belgique|Bélgica
BF Burkina Faso|Burkinabe|@Ouagadougou
BG Bulgaria|Bulgarian|@Sofia|Bulgarien|Bulgarie
BH Bahrain|Bahraini|@Manama
BI Burundi|Burundian|@Gitega
BJ Benin|Beninese|@Porto-Novo
BL Saint Barthélemy|St Barts
BM Bermuda|Bermudian
BN Brunei|Bruneian|@Bandar Seri Begawan
BO Bolivia|Bolivian|@La Paz|Sucre
BQ Caribbean Netherlands|Bonaire
BR Brazil|Brazilian|@Brasilia|Brasilien|Brésil|Brasil
BS Bahamas|Bahamian|@Nassau
BT Bhutan|Bhutanese|@Thimphu
BV Bouvet Island
BW Botswana|Motswana|@Gaborone
BY Belarus|Belarusian|Belarusians|Belorussian|@Minsk|Weißrussland|Biélorussie|Bielorrusia|Беларусь|Білорусь|Белоруссии|Білорусі
BZ Belize|Belizean|@Belmopan
CA Canada|Canadian|Canadians|@Ottawa|Kanada|Canadá|Канада
CC Cocos (Keeling) Islands|Cocos Islands
CD Democratic Republic of the Congo|DR Congo|DRC|Congolese|@Kinshasa|Goma
CF Central African Republic|Centrafrique|@Bangui
CG Republic of the Congo|Congo-Brazzaville|@Brazzaville
CH Switzerland|Swiss|@Bern|Schweiz|Suisse|Suiza
CI Côte d'Ivoire|Ivory Coast|Ivorian|@Yamoussoukro|Abidjan
CK Cook Islands
CL Chile|Chilean|@Santiago
CM Cameroon|Cameroonian|@Yaounde
CN China|Chinese|@Beijing|Chine|Китай
CO Colombia|Colombian|Colombians|@Bogota|Kolumbien|Colombie|Колумбия
CR Costa Rica|Costa Rican|@San José
CU Cuba|Cuban|@Havana
CV Cape Verde|Cabo Verde|Cape Verdean|@Praia
CW Curaçao|Curacao
CX Christmas Island
CY Cyprus|Cypriot|@Nicosia|Zypern|Chypre
CZ Czechia|Czech Republic|Czech|@Prague|Tschechien|Tchéquie
DE Germany|German|Germans|@Berlin|Deutschland|Allemagne|Alemania|Германия|Німеччина
DJ Djibouti|Djiboutian
DK Denmark|Danish|Dane|Danes|@Copenhagen|Dänemark|Danemark
DM Dominica|@Roseau
DO Dominican Republic|@Santo Domingo
DZ Algeria|Algerian|@Algiers|Algerien|Algérie
EC Ecuador|Ecuadorian|@Quito
EE Estonia|Estonian|Estonians|@Tallinn|Estland|Estonie|Эстония|Эстонии|Естонія|Естонії
EG Egypt|Egyptian|@Cairo|Ägypten|Égypte|Egipto
EH Western Sahara|Sahrawi|Polisario
ER Eritrea|Eritrean|@Asmara
ES Spain|Spanish|Spaniard|@Madrid|Spanien|Espagne|España|Испания
ET Ethiopia|Ethiopian|@Addis Ababa|Tigray|Äthiopien|Éthiopie
FI Finland|Finnish|Finns|@Helsinki|Finnland|Finlande|Finlandia|Финляндия|Финляндии|Фінляндія|Фінляндії
FJ Fiji|Fijian|@Suva
FK Falkland Islands|Falklands|Malvinas
FM Micronesia|Micronesian|@Palikir
FO Faroe Islands|Faroese
FR France|French|@Paris|Frankreich|Francia|Франция|Франція
GA Gabon|Gabonese|@Libreville
GB United Kingdom|UK|U.K.|Britain|Great Britain|British|@London|Downing Street|Whitehall|Großbritannien|Royaume-Uni|Reino Unido|Великобритания|Британія
GD Grenada|Grenadian|@St George's
GE Georgia|Georgian|@Tbilisi|Abkhazia|South Ossetia|Georgien|Géorgie|Грузия|Грузія
GF French Guiana|Guyane
GG Guernsey
GH Ghana|Ghanaian|@Accra
GI Gibraltar
GL Greenland|Greenlandic|@Nuuk|Grönland
GM Gambia|Gambian|@Banjul
GN Guinea|Guinean|@Conakry
GP Guadeloupe
GQ Equatorial Guinea|@Malabo
GR Greece|Greek|@Athens|Griechenland|Grèce|Grecia
GS South Georgia and the South Sandwich Islands|South Georgia
GT Guatemala|Guatemalan|@Guatemala City
GU Guam
GW Guinea-Bissau|@Bissau
GY Guyana|Guyanese|@Georgetown
HK Hong Kong
HM Heard Island and McDonald Islands
HN Honduras|Honduran|@Tegucigalpa
HR Croatia|Croatian|@Zagreb|Kroatien|Croatie
HT Haiti|Haitian|@Port-au-Prince
HU Hungary|Hungarian|@Budapest|Ungarn|Hongrie
ID Indonesia|Indonesian|@Jakarta|Indonesien|Indonésie
IE Ireland|Irish|@Dublin|Irland|Irlande
IL Israel|Israeli|Israelis|@Jerusalem|IDF|Tel Aviv|Israël|Израиль|Ізраїль
IM Isle of Man|Manx
IN India|Indian|@New Delhi|Indien|Inde|Индия
IO British Indian Ocean Territory|Chagos
IQ Iraq|Iraqi|Iraqis|@Baghdad|Mosul|Kurdistan|Irak
IR Iran|Iranian|Iranians|@Tehran|Irán|Иран|Іран
IS Iceland|Icelandic|@Reykjavik
IT Italy|Italian|@Rome|Italien|Italie|Italia
JE Jersey
JM Jamaica|Jamaican|@Kingston
JO Jordan|Jordanian|@Amman|Jordanien|Jordanie
JP Japan|Japanese|@Tokyo|Japon|Japón|Япония
KE Kenya|Kenyan|@Nairobi
KG Kyrgyzstan|Kyrgyz|@Bishkek
KH Cambodia|Cambodian|Cambodians|Khmer|@Phnom Penh|Siem Reap|Battambang|Kambodscha|Cambodge|Camboya|Камбоджа
KI Kiribati|@Tarawa
KM Comoros|Comorian|@Moroni
KN Saint Kitts and Nevis|St Kitts and Nevis|@Basseterre
KP North Korea|North Korean|DPRK|@Pyongyang|Nordkorea|Corée du Nord|Corea del Norte|КНДР|Северная Корея
KR South Korea|South Korean|@Seoul|Südkorea|Corée du Sud|Corea del Sur|Южная Корея
KW Kuwait|Kuwaiti|@Kuwait City
KY Cayman Islands|Caymanian
KZ Kazakhstan|Kazakh|@Astana|Kasachstan|Казахстан
LA Laos|Lao|Laotian|@Vientiane|Xieng Khouang|Plain of Jars|Лаос
LB Lebanon|Lebanese|@Beirut|Hezbollah|Libanon|Liban|Líbano|Ливан
LC Saint Lucia|St Lucia|@Castries
LI Liechtenstein|@Vaduz
LK Sri Lanka|Sri Lankan|@Colombo|Jaffna
LR Liberia|Liberian|@Monrovia
LS Lesotho|Basotho|@Maseru
LT Lithuania|Lithuanian|Lithuanians|@Vilnius|Seimas|Litauen|Lituanie|Lituania|Литва|Литвы|Литви
LU Luxembourg|Luxembourgish|Luxemburg
LV Latvia|Latvian|Latvians|@Riga|Saeima|Lettland|Lettonie|Letonia|Латвия|Латвии|Латвія|Латвії
LY Libya|Libyan|@Tripoli|Benghazi|Libyen|Libye|Libia
MA Morocco|Moroccan|@Rabat|Marokko|Maroc|Marruecos
MC Monaco|Monegasque
MD Moldova|Moldovan|@Chisinau|Transnistria|Moldau|Moldavie
ME Montenegro|Montenegrin|@Podgorica
MF Saint Martin
MG Madagascar|Malagasy|@Antananarivo
MH Marshall Islands|Marshallese|@Majuro
MK North Macedonia|Macedonian|@Skopje
ML Mali|Malian|@Bamako
MM Myanmar|Burma|Burmese|@Naypyidaw|Yangon|Rangoon|Kayah|Karenni|Rakhine|Shan State|Мьянма|М'янма
MN Mongolia|Mongolian|@Ulaanbaatar|Inner Mongolia
MO Macao|Macau
MP Northern Mariana Islands
MQ Martinique
MR Mauritania|Mauritanian|@Nouakchott
MS Montserrat
MT Malta|Maltese|@Valletta
MU Mauritius|Mauritian|@Port Louis
MV Maldives|Maldivian|@Malé
MW Malawi|Malawian|@Lilongwe
MX Mexico|Mexican|@Mexico City|Mexiko|Mexique|México
MY Malaysia|Malaysian|@Kuala Lumpur
MZ Mozambique|Mozambican|@Maputo|Mosambik
NA Namibia|Namibian|@Windhoek
NC New Caledonia
NE Niger|Nigerien|@Niamey
NF Norfolk Island
NG Nigeria|Nigerian|@Abuja|Lagos
NI Nicaragua|Nicaraguan|@Managua
NL Netherlands|Dutch|Holland|@Amsterdam|The Hague|Niederlande|Pays-Bas|Países Bajos
NO Norway|Norwegian|@Oslo|Norwegen|Norvège|Noruega
NP Nepal|Nepali|Nepalese|@Kathmandu
NR Nauru|Nauruan
NU Niue
NZ New Zealand|New Zealander|@Wellington|Aotearoa|Waitangi|Neuseeland|Nouvelle-Zélande
OM Oman|Omani|@Muscat
PA Panama|Panamanian|@Panama City
PE Peru|Peruvian|@Lima|Pérou|Perú
PF French Polynesia|Tahiti
PG Papua New Guinea|Papua New Guinean|@Port Moresby
PH Philippines|Filipino|Philippine|@Manila|Mindanao|Philippinen
PK Pakistan|Pakistani|@Islamabad|Kashmir
PL Poland|Polish|Poles|@Warsaw|Sejm|Polen|Pologne|Polonia|Польша|Польши|Польща|Польщі|Warschau|Varsovie
PM Saint Pierre and Miquelon
PN Pitcairn Islands|Pitcairn
PR Puerto Rico|Puerto Rican|@San Juan
PS Palestine|Palestinian|Palestinians|Gaza|West Bank|@Ramallah|Palästina|Gaza-Streifen|Газа
PT Portugal|Portuguese|@Lisbon
PW Palau|Palauan|@Ngerulmud
PY Paraguay|Paraguayan|@Asunción
QA Qatar|Qatari|@Doha|Katar
RE Réunion|Reunion
RO Romania|Romanian|@Bucharest|Rumänien|Roumanie|Rumania
RS Serbia|Serbian|@Belgrade|Serbien|Serbie
RU Russia|Russian|Russians|Russian Federation|@Moscow|Kremlin|Putin|Duma|Russland|Russie|Rusia|Россия|России|Российск|Росія|Росії|Москва|Кремль|Путин|Moskau|Moscou|Moscú
RW Rwanda|Rwandan|@Kigali
SA Saudi Arabia|Saudi|Saudis|@Riyadh|Saudi-Arabien|Arabie saoudite
SB Solomon Islands|Solomon Islander|@Honiara
SC Seychelles|Seychellois|@Victoria
SD Sudan|Sudanese|@Khartoum|Darfur|El Fasher|Soudan|Sudán|Судан
SE Sweden|Swedish|Swede|Swedes|@Stockholm|Schweden|Suède|Suecia
SG Singapore|Singaporean
SH Saint Helena
SI Slovenia|Slovenian|Slovene|@Ljubljana
SJ Svalbard and Jan Mayen|Svalbard
SK Slovakia|Slovak|@Bratislava|Slowakei|Slovaquie|Eslovaquia
SL Sierra Leone|Sierra Leonean|@Freetown
SM San Marino
SN Senegal|Senegalese|@Dakar|Casamance|Sénégal
SO Somalia|Somali|@Mogadishu|Somaliland|Al-Shabaab
SR Suriname|Surinamese|@Paramaribo
SS South Sudan|South Sudanese|@Juba
ST São Tomé and Príncipe|Sao Tome
SV El Salvador|Salvadoran|@San Salvador
SX Sint Maarten
SY Syria|Syrian|Syrians|@Damascus|Aleppo|Idlib|Raqqa|Homs|Syrien|Syrie|Siria|Сирия|Сирія
SZ Eswatini|Swaziland|Swazi|@Mbabane
TC Turks and Caicos Islands
TD Chad|Chadian|@N'Djamena|Tschad|Tchad
TF French Southern Territories
TG Togo|Togolese|@Lomé
TH Thailand|Thai|Thais|@Bangkok|Ubon Ratchathani|Surin|Sisaket|Thailand's|Thaïlande|Tailandia|Таиланд
TJ Tajikistan|Tajik|@Dushanbe
TK Tokelau
TL Timor-Leste|East Timor|Timorese|@Dili
TM Turkmenistan|Turkmen|@Ashgabat
TN Tunisia|Tunisian|@Tunis
TO Tonga|Tongan|@Nuku'alofa
TR Turkey|Turkish|Türkiye|Turkiye|Turks|@Ankara|Istanbul|Türkei|Turquie|Turquía|Турция|Туреччина
TT Trinidad and Tobago|Trinidadian|@Port of Spain
TV Tuvalu|Tuvaluan|@Funafuti
TW Taiwan|Taiwanese|@Taipei
TZ Tanzania|Tanzanian|@Dodoma|Dar es Salaam
UA Ukraine|Ukrainian|Ukrainians|@Kyiv|Kiev|Kiew|Kiev's|Kharkiv|Kherson|Donbas|Donbass|Donetsk|Luhansk|Zaporizhzhia|Mykolaiv|Izium|Izyum|Odesa|Zelensky|Zelenskiy|Zelenskyy|Verkhovna Rada|Ukrainische|Ukrainien|Ucrania|Ucraniano|Украина|Украины|Украине|Украину|Украинск|Україна|України|Україні|Україну|Українськ|Київ|Києва|Зеленськ|Зеленск
UG Uganda|Ugandan|@Kampala
UM United States Minor Outlying Islands
US United States|U.S.|US|USA|U.S.A.|America|American|Americans|@Washington|Pentagon|White House|Biden|Trump|Vereinigte Staaten|États-Unis|Etats-Unis|Estados Unidos|EE UU|EE.UU.|EEUU|США|Соединённые Штаты|Сполучені Штати|Вашингтон
UY Uruguay|Uruguayan|@Montevideo
UZ Uzbekistan|Uzbek|@Tashkent
VA Vatican City|Vatican|Holy See
VC Saint Vincent and the Grenadines|@Kingstown
VE Venezuela|Venezuelan|@Caracas
VG British Virgin Islands
VI U.S. Virgin Islands|US Virgin Islands
VN Vietnam|Vietnamese|Viet Nam|@Hanoi|Quang Tri
VU Vanuatu|Ni-Vanuatu|@Port Vila
WF Wallis and Futuna
WS Samoa|Samoan|@Apia
XK Kosovo|Kosovar|@Pristina
YE Yemen|Yemeni|Yemenis|@Sanaa|Houthi|Houthis|Marib|Hodeidah|Jemen|Yémen|Йемен
YT Mayotte
ZA South Africa|South African|@Pretoria|Cape Town|Johannesburg|Südafrika|Afrique du Sud|Sudáfrica
ZM Zambia|Zambian|@Lusaka
ZW Zimbabwe|Zimbabwean|@Harare
`;

/** Names that stand for several countries at once. */
const GROUPS: ReadonlyArray<readonly [string, string[]]> = [
  ["Baltic states", ["EE", "LV", "LT"]],
  ["Baltic countries", ["EE", "LV", "LT"]],
  ["Baltic nations", ["EE", "LV", "LT"]],
  ["Baltic trio", ["EE", "LV", "LT"]],
  ["Baltics", ["EE", "LV", "LT"]],
  ["Baltic neighbours", ["EE", "LV", "LT"]],
  ["pays baltes", ["EE", "LV", "LT"]],
  ["baltischen Staaten", ["EE", "LV", "LT"]],
  ["Baltikum", ["EE", "LV", "LT"]],
  ["países bálticos", ["EE", "LV", "LT"]],
  ["страны Балтии", ["EE", "LV", "LT"]],
  ["прибалтийск", ["EE", "LV", "LT"]],
  ["країни Балтії", ["EE", "LV", "LT"]],
  ["Korean Peninsula", ["KP", "KR"]],
];

/** City names that are also treaty names: "the Ottawa Convention" says nothing about Canada. */
const TREATY_PLACE =
  /(?<![\p{L}])(?:ottawa|oslo)[ -](?:convention|treaty|accord|pact|process|agreement|landmine|mine|cluster|konvention|abkommen|vertrag|ubereinkommen)|(?:convention|convencion|traite|tratado) d(?:e |')(?:ottawa|oslo)/gu;

export interface CountryMatch {
  code: string;
  match: string;
}

interface Entry {
  alias: string;
  pattern: RegExp;
  codes: string[];
  capital: boolean;
}

interface Country {
  code: string;
  name: string;
  aliases: Array<{ alias: string; capital: boolean }>;
}

const COUNTRIES: Country[] = GAZETTEER.trim()
  .split("\n")
  .map((line) => {
    const code = line.slice(0, 2);
    const [name = code, ...rest] = line.slice(3).split("|");
    const aliases = [name, ...rest].map((alias) => ({
      alias: alias.replace(/^@/, ""),
      capital: alias.startsWith("@"),
    }));
    return { code, name, aliases };
  });

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function aliasPattern(alias: string): RegExp {
  // Upper-case abbreviations ("US", "UK", "DRC") only match as written, never the word "us".
  const caseSensitive = alias.length <= 5 && alias === alias.toUpperCase() && /\p{Lu}/u.test(alias);
  const source = escaped(caseSensitive ? alias : foldForMatching(alias));
  return new RegExp(`(?<![\\p{L}\\p{N}])${source}(?![\\p{L}\\p{N}])`, caseSensitive ? "gu" : "giu");
}

/** Longest aliases first, so "South Sudan" is read before "Sudan" and "Papua New Guinea" before "Guinea". */
const ENTRIES: Entry[] = [
  ...COUNTRIES.flatMap(({ code, aliases }) =>
    aliases.map(({ alias, capital }) => ({ alias, pattern: aliasPattern(alias), codes: [code], capital })),
  ),
  ...GROUPS.map(([alias, codes]) => ({ alias, pattern: aliasPattern(alias), codes, capital: false })),
].sort((a, b) => b.alias.length - a.alias.length);

/** A run of letters and digits: an alias can only start where such a run starts in the text. */
const WORD = /[\p{L}\p{N}]+/gu;

function firstWord(text: string): string | undefined {
  WORD.lastIndex = 0;
  const hit = WORD.exec(text);
  return hit && hit.index === 0 ? hit[0] : undefined;
}

/** Words that a case-insensitive pattern treats as equal share this form. */
function caseless(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/**
 * Entries by the first word of their alias (as matched: folded, or as written for
 * abbreviations). An alias that starts and ends with a letter or digit and has no
 * double space can only match where its first word stands whole in the text, even
 * after other names are blanked, so only the entries behind the text's words are tried.
 * Any other alias is always tried.
 */
const BY_FIRST_WORD = new Map<string, number[]>();
const BY_FIRST_WORD_AS_WRITTEN = new Map<string, number[]>();
const ALWAYS_TRIED: number[] = [];
for (const [position, entry] of ENTRIES.entries()) {
  const caseSensitive = !entry.pattern.flags.includes("i");
  const alias = caseSensitive ? entry.alias : foldForMatching(entry.alias);
  const first = firstWord(alias);
  const edged = /^[\p{L}\p{N}].*[\p{L}\p{N}]$/u.test(alias) && !alias.includes("  ");
  if (!first || !edged) {
    ALWAYS_TRIED.push(position);
    continue;
  }
  const [index, key] = caseSensitive ? [BY_FIRST_WORD_AS_WRITTEN, first] : [BY_FIRST_WORD, caseless(first)];
  const positions = index.get(key);
  if (positions) positions.push(position);
  else index.set(key, [position]);
}

/** The first words of the abbreviations, each standing whole. */
const FIRST_WORD_AS_WRITTEN = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...BY_FIRST_WORD_AS_WRITTEN.keys()].map(escaped).join("|")})(?![\\p{L}\\p{N}])`,
  "gu",
);

/** Positions in ENTRIES of the entries that could match the folded or raw text, in ENTRIES order. */
function entriesToTry(folded: string, raw: string): number[] {
  const positions = [...ALWAYS_TRIED];
  for (const word of caseless(folded).match(WORD) ?? []) {
    const found = BY_FIRST_WORD.get(word);
    if (found) positions.push(...found);
  }
  for (const word of raw.match(FIRST_WORD_AS_WRITTEN) ?? []) {
    const found = BY_FIRST_WORD_AS_WRITTEN.get(word);
    if (found) positions.push(...found);
  }
  positions.sort((a, b) => a - b);
  return positions.filter((position, at) => at === 0 || positions[at - 1] !== position);
}

export function countryName(code: string): string | undefined {
  return COUNTRIES.find((country) => country.code === code)?.name;
}

/** Every ISO 3166-1 alpha-2 code the gazetteer knows. */
export const COUNTRY_CODES: readonly string[] = COUNTRIES.map((country) => country.code);

function blank(text: string, pattern: RegExp): string {
  pattern.lastIndex = 0;
  return text.replace(pattern, (match) => " ".repeat(match.length));
}

/**
 * Countries named in a text, by any of their names, demonyms, capitals or aliases,
 * in order of first mention. A matched name is blanked so a shorter one inside it
 * ("Guinea" in "Papua New Guinea") does not match again.
 */
export function findCountries(text: string): CountryMatch[] {
  // Folding keeps offsets for Latin and Cyrillic text, so the raw and folded texts stay aligned.
  let folded = blank(foldForMatching(text), TREATY_PLACE);
  const aligned = text.length === folded.length;
  let raw = aligned ? text : folded;
  const found = new Map<string, CountryMatch & { at: number }>();
  for (const position of entriesToTry(folded, raw)) {
    const entry = ENTRIES[position];
    if (!entry) continue;
    const caseSensitive = !entry.pattern.flags.includes("i");
    entry.pattern.lastIndex = 0;
    const hit = entry.pattern.exec(caseSensitive ? raw : folded);
    if (!hit) continue;
    for (const code of entry.codes) {
      const known = found.get(code);
      const match = aligned ? text.slice(hit.index, hit.index + hit[0].length) : hit[0];
      if (!known || hit.index < known.at) found.set(code, { code, match, at: hit.index });
    }
    folded = blank(folded, entry.pattern);
    raw = caseSensitive ? blank(raw, entry.pattern) : raw;
  }
  return [...found.values()].sort((a, b) => a.at - b.at).map(({ code, match }) => ({ code, match }));
}
