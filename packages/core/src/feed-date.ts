/**
 * Dates as feeds write them: RFC 822 and ISO 8601, and the forms feeds use besides (a weekday
 * or month in French, German, Spanish, Portuguese, Italian, Russian or Ukrainian, `16th`,
 * `3:09 p.m.`, `at`, a named zone such as `Europe/Brussels`, a day-first `26/06/2020` or
 * `30.10.23`, seconds since the epoch). Every form is read in UTC unless it names a zone:
 * never in the zone of the machine reading it. A numeric date whose day and month could be
 * either way round (`08/02/2013`) is no date. Each step is a split on whitespace, a lookup or
 * a pattern that cannot backtrack: linear in the text.
 */

/** Lower case, accents off: `Mär` and `mar` alike. */
function fold(word: string): string {
  return word
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** The languages besides English whose month names feeds write. */
const MONTH_LOCALES = ["fr", "de", "es", "pt", "it", "ru", "uk"];

/** Abbreviations feeds write that Unicode's CLDR (and so `Intl`) does not give, by month. */
const MORE_MONTH_NAMES = [
  "genn",
  "фев",
  "mrz",
  "кві",
  "magg тра",
  "чер",
  "",
  "сер",
  "setiembre sett сен",
  "жов",
  "ноя лис",
  "гру",
];

/**
 * Month names and abbreviations in French, German, Spanish, Portuguese, Italian, Russian and
 * Ukrainian, folded (lower case, no accents), from `Intl`: each month's long and short name,
 * alone and as written with a day (Russian and Ukrainian decline it: "июня", "червня"). Made
 * at the first date that needs them (about 15 ms), not when the module loads.
 */
let foreignMonths: Map<string, number> | undefined;

function foreignMonthNames(): Map<string, number> {
  if (foreignMonths) return foreignMonths;
  const months = new Map<string, number>();
  const add = (name: string, month: number) => {
    const folded = fold(name.replace(/\.$/, ""));
    if (folded && !months.has(folded)) months.set(folded, month);
  };
  for (const locale of MONTH_LOCALES) {
    for (const style of ["long", "short"] as const) {
      const alone = new Intl.DateTimeFormat(locale, { month: style, timeZone: "UTC" });
      const withDay = new Intl.DateTimeFormat(locale, { day: "numeric", month: style, timeZone: "UTC" });
      for (let month = 1; month <= 12; month++) {
        const date = new Date(Date.UTC(2001, month - 1, 15));
        add(alone.format(date), month);
        add(withDay.formatToParts(date).find((part) => part.type === "month")?.value ?? "", month);
      }
    }
  }
  MORE_MONTH_NAMES.forEach((names, index) => {
    for (const name of names.split(" ").filter(Boolean)) add(name, index + 1);
  });
  foreignMonths = months;
  return months;
}

const ENGLISH_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ENGLISH_MONTH = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$/;

/** Words between a date's parts that say nothing of it: "at", "-", "um … Uhr", "de", "г.". */
const FILLERS = new Set(["-", "–", "—", "at", "a", "um", "uhr", "de", "del", "г", "года", "р", "року"]);

/** The month (1 to 12) a word names, in English or another language, or undefined. */
function monthOf(bare: string): number | undefined {
  const english = ENGLISH_MONTH.exec(bare)?.[1];
  if (english) return ENGLISH_MONTHS.findIndex((month) => month.toLowerCase() === english) + 1;
  return foreignMonthNames().get(bare);
}

const LETTERS_ONLY = /^\p{L}+\.?,?$/u;
const ORDINAL_DAY = /^(\d{1,2})(?:st|nd|rd|th|\.)(,?)$/;
/** A time with its half of the day run on: "3:09pm". */
const TIME_AND_HALF = /^(\d{1,2}:\d\d(?::\d\d)?)([ap]m)$/i;

/** The date's words as a JavaScript date parser reads them, or undefined if it cannot be. */
function englishWords(text: string): string | undefined {
  let words = text.split(/\s+/).filter(Boolean);
  // A leading weekday ("Lundi,", "mar.,", "Do,"): dropped, whatever its language.
  const first = words[0];
  if (
    first &&
    LETTERS_ONLY.test(first) &&
    (first.endsWith(",") || monthOf(fold(first.replace(/[.,]+$/, ""))) === undefined)
  ) {
    words = words.slice(1);
  }
  const out: string[] = [];
  for (const word of words) {
    const comma = word.endsWith(",") ? "," : "";
    const bare = fold(word.replace(/[.,]+$/, ""));
    if (FILLERS.has(bare)) continue;
    if (bare === "a.m" || bare === "p.m") {
      out.push(bare === "a.m" ? "AM" : "PM");
      continue;
    }
    const month = LETTERS_ONLY.test(word) ? monthOf(bare) : undefined;
    if (month !== undefined) {
      out.push(`${ENGLISH_MONTHS[month - 1]}${comma}`);
      continue;
    }
    const ordinal = ORDINAL_DAY.exec(word);
    const timeAndHalf = TIME_AND_HALF.exec(word);
    if (ordinal) out.push(`${ordinal[1]}${ordinal[2]}`);
    else if (timeAndHalf) out.push(`${timeAndHalf[1]}`, `${timeAndHalf[2]}`.toUpperCase());
    else out.push(word);
  }
  return out.length > 0 ? out.join(" ") : undefined;
}

/** A numeric date (`26/06/2020`, `30.10.23`, `11 04 2020`, `13-02-2013`) at the start or after a space. */
const NUMERIC_DATE = /(^|\s)(\d{1,2})([/. -])(\d{1,2})\3(\d{4}|\d{2})(?=[\s,]|$)/;

/**
 * The text with its numeric date written with a month name, day-first where only the day can
 * come first: "Jun 26 2020". Undefined where day and month could be either way round.
 */
function numericDateSpelled(text: string): string | undefined {
  const match = NUMERIC_DATE.exec(text);
  if (!match) return text;
  const [whole, before = "", a = "", separator = "", b = "", yearText = ""] = match;
  const first = Number(a);
  const second = Number(b);
  const year = yearText.length === 2 ? Number(yearText) + (Number(yearText) < 70 ? 2000 : 1900) : Number(yearText);
  let day: number;
  let month: number;
  // Dotted dates are written day first wherever they are written.
  if (separator === "." || (first > 12 && second <= 12)) [day, month] = [first, second];
  else if (second > 12 && first <= 12) [day, month] = [second, first];
  else if (first === second) [day, month] = [first, first];
  else return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const spelled = `${before}${ENGLISH_MONTHS[month - 1]} ${day} ${year}`;
  return text.slice(0, match.index) + spelled + text.slice(match.index + whole.length);
}

/** A zone the text names: an abbreviation, GMT/UTC/Z, or an offset after the time (a dash in a date is none). */
const NAMED_ZONE =
  /(?:^|[^A-Za-z])(?:UTC?|GMT|Z|[ECMP][SD]T)(?![A-Za-z])|\d:\d\d(?::\d\d(?:\.\d+)?)?\s?[+-]\d\d:?\d\d(?!\d)/;
/** An IANA zone at the end: "America/Los_Angeles". */
const IANA_ZONE = /\s([A-Za-z]+(?:\/[A-Za-z_+-]+)+)$/;
const ISO_DATE_ONLY = /^\d{4}-\d\d-\d\d$/;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\d[T ]/;
/** An offset followed by a stray Z: "16:20:00-05:00Z". */
const OFFSET_THEN_Z = /([+-]\d\d:?\d\d)Z$/;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** A zone's offset from UTC at an instant, in milliseconds, or undefined for a zone unknown. */
function zoneOffset(zone: string, at: number): number | undefined {
  let format = offsetFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    } catch {
      return undefined;
    }
    offsetFormats.set(zone, format);
  }
  const name = format.formatToParts(new Date(at)).find((part) => part.type === "timeZoneName")?.value ?? "";
  const offset = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name);
  if (!offset) return undefined;
  const [, sign, hours = "0", minutes = "0"] = offset;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
}

/**
 * RFC 822 as most feeds write it, "Sat, 28 Nov 2026 11:22:33 GMT": the words `englishWords`
 * gives for it are the text after the weekday, which names its zone, so it is parsed as that.
 */
const PLAIN_RFC_822 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d (?:GMT|UTC|[+-]\d{4}))$/;
/** ISO 8601 with a time and a zone, "2026-11-28T11:22:33.000Z": read as written, whichever way it is read. */
const PLAIN_ISO_8601 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:\d\d)$/;

/** The instant a feed's date names, in milliseconds since the epoch, or undefined. */
export function feedDateTime(raw: string): number | undefined {
  const trimmed = raw.trim();
  // The two forms nearly every feed writes skip the reading of words, which gives them unchanged.
  const plain = PLAIN_RFC_822.exec(trimmed)?.[1] ?? (PLAIN_ISO_8601.test(trimmed) ? trimmed : undefined);
  if (plain !== undefined) {
    const time = Date.parse(plain);
    return Number.isNaN(time) ? undefined : time;
  }
  return feedDateTimeByWords(trimmed);
}

/** `feedDateTime` read word by word whatever the form, as every form other than the two plain ones is. For tests of the fast path. */
export function feedDateTimeByWords(raw: string): number | undefined {
  const trimmed = raw.trim();
  if (/^\d{9,11}$/.test(trimmed)) return Number(trimmed) * 1000;
  const words = englishWords(trimmed.replace(OFFSET_THEN_Z, "$1"));
  const text = words === undefined ? undefined : numericDateSpelled(words);
  if (text === undefined) return undefined;
  const iana = IANA_ZONE.exec(text);
  if (iana?.[1]) {
    const wall = Date.parse(`${text.slice(0, iana.index)} GMT`);
    if (Number.isNaN(wall)) return undefined;
    const guess = zoneOffset(iana[1], wall);
    if (guess === undefined) return undefined;
    const offset = zoneOffset(iana[1], wall - guess) ?? guess;
    return wall - offset;
  }
  let zoned = text;
  if (!NAMED_ZONE.test(text) && !ISO_DATE_ONLY.test(text))
    zoned = ISO_DATE_TIME.test(text) ? `${text}Z` : `${text} GMT`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? undefined : time;
}
