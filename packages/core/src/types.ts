import type { Category, Topic, TreatyId } from "./taxonomy.ts";

/** ISO 8601 timestamp in UTC, e.g. `2025-06-29T10:15:00.000Z`. */
export type Timestamp = string;

/**
 * One entry as a feed parser produced it, before normalisation. Parser output is untrusted:
 * any field may hold any JSON value, and `normaliseEntry` reads each through `parserText`.
 */
export interface RawEntry {
  guid?: unknown;
  link?: unknown;
  title?: unknown;
  /** Plain-text or HTML summary (RSS description, Atom summary, JSON Feed summary). */
  summary?: unknown;
  /** Full HTML content (RSS content:encoded, Atom content, JSON Feed content_html). */
  contentHtml?: unknown;
  /** The date string exactly as the feed carried it. */
  published?: unknown;
  author?: unknown;
  /** Google News style feeds name the outlet per item. */
  outlet?: unknown;
  language?: unknown;
}

/** One entry from one feed, normalised. */
export interface Item {
  /** Stable identity: derived from the GUID, else the canonical URL, else the content. */
  id: string;
  feedId: string;
  guid?: string | undefined;
  url?: string | undefined;
  canonicalUrl?: string | undefined;
  title: string;
  /** Clean text: HTML removed, entities decoded, whitespace folded. */
  summary: string;
  outlet: string;
  /** When the item says it was published, if it says so and the date is sane. */
  publishedAt?: Timestamp | undefined;
  /** The date string as the item carried it, kept for citations. */
  publishedRaw?: string | undefined;
  fetchedAt: Timestamp;
  contentHash: string;
  language?: string | undefined;
}

/** A cue that fired (or vetoed) while classifying, so a user sees why an alert came. */
export interface Cue {
  kind: "topic" | "treaty" | "country" | "veto" | "context";
  /** What the cue points at: a topic, a treaty id, an ISO country code, or a veto name. */
  target: string;
  /** The text that matched, as it appears in the item. */
  match: string;
  weight: number;
}

export interface Verdict {
  relevant: boolean;
  /** Confidence that the item is on-topic, in [0, 1]. */
  score: number;
  topics: Topic[];
  categories: Category[];
  /** ISO 3166-1 alpha-2 codes. */
  countries: string[];
  treaties: TreatyId[];
  why: Cue[];
  /** The language the item was read in (ISO 639-1); absent on verdicts from before it was recorded. */
  language?: string | undefined;
  classifierVersion: string;
}

export interface StorySource {
  itemId: string;
  outlet: string;
  title: string;
  link?: string | undefined;
  /** As the item carried it; never invented. */
  publishedAt?: Timestamp | undefined;
  feedId: string;
}

export interface Story {
  id: string;
  title: string;
  summary: string;
  firstSeenAt: Timestamp;
  updatedAt: Timestamp;
  /** Increments when the story changes materially (a new outlet, topic, country or treaty). */
  version: number;
  score: number;
  topics: Topic[];
  categories: Category[];
  countries: string[];
  treaties: TreatyId[];
  sources: StorySource[];
  /**
   * Primary language tags (`en`, `uk`) of the sources that named theirs; absent on stories
   * stored before stories kept them.
   */
  languages?: string[] | undefined;
}

export type FeedErrorKind =
  | "dns"
  | "refused-address"
  | "connection"
  | "timeout"
  | "too-large"
  | "http-status"
  | "parse"
  | "invalid-url"
  /** Something in treatywatch itself failed while reading the feed: a bug, or the store. */
  | "internal";

export interface FeedError {
  kind: FeedErrorKind;
  message: string;
}

/** Damage a fetch read past rather than refuse the feed for: its entries were kept. */
export interface FeedDamage {
  /** Bytes that were not valid in the character set, or markup that was not well-formed XML. */
  kind: "encoding" | "markup";
  message: string;
}

export interface FeedHealth {
  lastSuccessAt?: Timestamp | undefined;
  lastErrorAt?: Timestamp | undefined;
  lastError?: FeedError | undefined;
  /** When a fetch last had to repair the feed, and what it repaired. */
  lastDamageAt?: Timestamp | undefined;
  lastDamage?: FeedDamage | undefined;
  consecutiveFailures: number;
  /** Entries fetched but held over for the next ticks: one feed adds only so many a tick. */
  deferred?: number | undefined;
}

export interface Feed {
  id: string;
  url: string;
  title?: string | undefined;
  addedAt: Timestamp;
  etag?: string | undefined;
  lastModified?: string | undefined;
  nextPollAt: Timestamp;
  health: FeedHealth;
}
