import { canonicalUrl } from "./canonical-url.ts";
import { feedDateTime } from "./feed-date.ts";
import { sha256Hex, stableId } from "./hash.ts";
import { parserText } from "./parser-output.ts";
import { foldForMatching, foldWhitespace, htmlToText, textAsWritten, truncate } from "./text.ts";
import type { Item, RawEntry, Timestamp } from "./types.ts";

export interface NormaliseContext {
  feedId: string;
  feedUrl: string;
  feedTitle?: string | undefined;
  fetchedAt: Timestamp;
  /**
   * Links and GUIDs that several entries of this feed share (a podcast's home page, a section
   * URL as every GUID): they say nothing about which entry is which, so they are neither an
   * identity nor a duplicate key.
   */
  shared?: SharedKeys | undefined;
}

const MAX_SUMMARY_CHARS = 2_000;
const MAX_TITLE_CHARS = 500;
const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
const FUTURE_TOLERANCE_MS = 36 * 3600 * 1000;

/**
 * A date the item carried, if it reads (see `feedDateTime`) and is plausible: not before 1990
 * and not more than a day and a half after it was fetched. Anything else is dropped rather
 * than guessed, so a citation never shows a date the item did not give: a day and month that
 * could be either way round are dropped too, and a date with no zone is UTC, never the zone of
 * the machine reading it.
 */
export function plausibleDate(raw: string | undefined, fetchedAt: Timestamp): Timestamp | undefined {
  if (!raw) return undefined;
  const time = feedDateTime(raw);
  if (time === undefined) return undefined;
  if (time < EARLIEST_PLAUSIBLE || time > Date.parse(fetchedAt) + FUTURE_TOLERANCE_MS) {
    return undefined;
  }
  return new Date(time).toISOString();
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return undefined;
  }
}

/**
 * The feed's host, kept for the feed read last: every entry of a feed asks for it, and parsing
 * its URL again for each one cost more than anything else asked of the feed.
 */
let lastFeedUrl: string | undefined;
let lastFeedHost: string | undefined;

function feedHostOf(feedUrl: string): string | undefined {
  if (feedUrl !== lastFeedUrl) {
    lastFeedHost = hostOf(feedUrl);
    lastFeedUrl = feedUrl;
  }
  return lastFeedHost;
}

/** A field's text read as HTML, or nothing. */
const htmlFieldText = (value: unknown) => htmlToText(parserText(value) ?? "");

/** The item's link made absolute against the feed URL; only http(s) links are kept. */
export function resolveLink(link: string | undefined, base: string): string | undefined {
  if (!link?.trim()) return undefined;
  try {
    const url = new URL(link.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** News-search feeds append the outlet to the headline: "Headline - Outlet". */
export function splitOutletSuffix(title: string, outlet: string | undefined): { title: string; outlet?: string } {
  const match = /^(.*\S)\s+[-–—|]\s+([^-–—|]{2,60})$/.exec(title);
  if (!match?.[1] || !match[2]) return { title };
  const suffix = match[2].trim();
  if (outlet && foldForMatching(suffix) !== foldForMatching(outlet)) return { title };
  return { title: match[1], outlet: suffix };
}

/** What several of one feed's entries carry alike, and so cannot tell them apart. */
export interface SharedKeys {
  links: ReadonlySet<string>;
  guids: ReadonlySet<string>;
}

function repeated(values: Iterable<string | undefined>): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    if (seen.has(value)) shared.add(value);
    seen.add(value);
  }
  return shared;
}

/**
 * The canonical links and GUIDs that more than one of a feed's entries carry: a podcast's
 * home page as every episode's link, or a section URL given as every entry's GUID.
 */
export function sharedKeys(entries: readonly RawEntry[], feedUrl: string): SharedKeys {
  return {
    links: repeated(entries.map((entry) => canonicalUrl(resolveLink(parserText(entry.link), feedUrl)))),
    guids: repeated(entries.map((entry) => foldWhitespace(parserText(entry.guid) ?? "") || undefined)),
  };
}

/**
 * Turns a parsed feed entry into an Item, or undefined when it has nothing to say: no title,
 * no text and no web link. The entry
 * is untrusted parser output: every field is read as text or nothing, and nothing here throws.
 * Its identity is its GUID (Atom id, JSON Feed id) within its feed, else its canonical link,
 * else its content; a GUID or link that other entries of the feed share does not count.
 */
export function normaliseEntry(entry: RawEntry, context: NormaliseContext): Item | undefined {
  const givenTitle = parserText(entry.title) ?? "";
  const rawTitle = truncate(foldWhitespace(htmlToText(givenTitle)), MAX_TITLE_CHARS);
  // The summary, else the content: a summary of markup alone ("<br/>") says nothing.
  const given = htmlFieldText(entry.summary);
  let summary = truncate(given.trim() ? given : htmlFieldText(entry.contentHtml), MAX_SUMMARY_CHARS);
  const url = resolveLink(parserText(entry.link), context.feedUrl);
  const linked = canonicalUrl(url);
  const canonical = linked && !context.shared?.links.has(linked) ? linked : undefined;
  const declaredOutlet = foldWhitespace(htmlToText(parserText(entry.outlet) ?? "")) || undefined;

  const feedHost = feedHostOf(context.feedUrl);
  const isSearchFeed = /(^|\.)news\.google\.com$/.test(feedHost ?? "");
  const split = declaredOutlet || isSearchFeed ? splitOutletSuffix(rawTitle, declaredOutlet) : { title: rawTitle };
  // A title its HTML reading empties ("&lt;/example&gt;", "&lt;no title&gt;") is taken as
  // written when there is no text to stand in for it, unless it is markup indeed (see
  // `textAsWritten`); an entry with neither title nor text but a link is still an item, titled
  // by its link as other readers show it, rather than dropped unseen.
  const title =
    split.title ||
    truncate(summary, 160) ||
    truncate(textAsWritten(givenTitle), MAX_TITLE_CHARS) ||
    truncate(url ?? "", MAX_TITLE_CHARS);
  if (!title) return undefined;
  const foldedTitle = foldForMatching(title);
  let foldedSummary = foldForMatching(summary);
  // Search feeds often repeat the headline (and outlet) as the description.
  if (foldedSummary.startsWith(foldedTitle) && summary.length < title.length + 80) {
    summary = "";
    foldedSummary = "";
  }

  const outlet = declaredOutlet || split.outlet || context.feedTitle?.trim() || hostOf(url) || feedHost || "unknown";
  const contentHash = sha256Hex(`${foldedTitle}\n${foldedSummary}`).slice(0, 32);
  const declaredGuid = foldWhitespace(parserText(entry.guid) ?? "") || undefined;
  const guid = declaredGuid && !context.shared?.guids.has(declaredGuid) ? declaredGuid : undefined;
  const id = guid
    ? stableId("itm", context.feedId, guid)
    : canonical
      ? stableId("itm", canonical)
      : stableId("itm", context.feedId, contentHash);
  const published = foldWhitespace(parserText(entry.published) ?? "") || undefined;
  const language = foldWhitespace(parserText(entry.language) ?? "") || undefined;

  return {
    id,
    feedId: context.feedId,
    guid,
    url,
    canonicalUrl: canonical,
    title,
    summary,
    outlet,
    publishedAt: plausibleDate(published, context.fetchedAt),
    publishedRaw: published,
    fetchedAt: context.fetchedAt,
    contentHash,
    language,
  };
}
