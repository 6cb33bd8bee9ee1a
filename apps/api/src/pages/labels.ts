import {
  CATEGORIES,
  type Category,
  COUNTRY_CODES,
  countriesNamed,
  countryName,
  TOPIC_LABELS,
  TOPICS,
  type Topic,
  TREATIES,
  TREATY_IDS,
  type TreatyId,
  topicName,
} from "@treatywatch/core";

export { topicName };

export function topicDescription(topic: Topic): string {
  return TOPIC_LABELS[topic];
}

export function categoryName(category: Category): string {
  return CATEGORIES[category]?.label ?? category;
}

export function treatyName(treaty: TreatyId): string {
  return TREATIES[treaty]?.name ?? treaty;
}

const regions = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

export function countryLabel(code: string): string {
  return countryName(code) ?? regions.of(code) ?? code;
}

export function languageLabel(tag: string): string {
  try {
    return languageNames.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** The languages the classifier reads; the stories filter offers these. */
export const LANGUAGES = ["en", "fr", "de", "es", "ru", "uk"] as const;

export const COUNTRIES_BY_NAME: readonly { code: string; name: string }[] = COUNTRY_CODES.map((code) => ({
  code,
  name: countryLabel(code),
})).sort((a, b) => a.name.localeCompare(b.name, "en"));

export { TOPICS, TREATY_IDS };

/**
 * Countries as a person types them, comma-separated: codes (`UA`) or any name, demonym or
 * capital the classifier knows (`Ukraine`, `Kyiv`). Names it does not know are returned apart.
 */
export function readCountries(text: string): { codes: string[]; unknown: string[] } {
  const codes: string[] = [];
  const unknown: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const name = part.trim();
    if (!name) continue;
    const upper = name.toUpperCase();
    const found = /^[A-Z]{2}$/.test(upper) && COUNTRY_CODES.includes(upper) ? [upper] : countriesNamed(name);
    if (found.length === 0) unknown.push(name);
    for (const code of found) if (!codes.includes(code)) codes.push(code);
  }
  return { codes, unknown };
}

/** How countries show in the form again: by name, so the person reads what they typed. */
export function writeCountries(codes: readonly string[] | undefined): string {
  return (codes ?? []).map(countryLabel).join(", ");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-03-02T07:10:00Z` → `2 Mar 2026, 07:10 UTC`: the same bytes for every reader, so pages cache. */
export function utcTime(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  const hh = String(date.getUTCHours()).padStart(2, "0");
  const mm = String(date.getUTCMinutes()).padStart(2, "0");
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** A summary cut at a word near `max` characters. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}
