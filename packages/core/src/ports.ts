import type { Fingerprint, StoryCandidate } from "./cluster.ts";
import type { PlacedReport } from "./story.ts";
import type { Topic, TreatyId } from "./taxonomy.ts";
import type { Feed, FeedDamage, FeedError, Item, Story, Timestamp, Verdict } from "./types.ts";

/** A page of results and the cursor for the next one, if there is more. */
export interface Page<T> {
  data: T[];
  nextCursor?: string | undefined;
}

export interface StoryQuery {
  limit: number;
  cursor?: string | undefined;
  topic?: Topic | undefined;
  country?: string | undefined;
  treaty?: TreatyId | undefined;
  /** A primary language tag one of the story's sources is in, e.g. `uk`. */
  language?: string | undefined;
  since?: Timestamp | undefined;
}

export interface ItemQuery {
  limit: number;
  cursor?: string | undefined;
  relevant?: boolean | undefined;
  feedId?: string | undefined;
  storyId?: string | undefined;
}

export interface StoredItem {
  item: Item;
  verdict: Verdict;
  storyId?: string | undefined;
}

/**
 * Keys under which an item counts as already seen. An item with its own id (a GUID) is
 * a duplicate of another item of its feed only under that id: two entries with different
 * ids are never merged, however their links or text compare. Its canonical URL and
 * content hash still find the same article syndicated by another feed.
 */
export interface DuplicateKeys {
  id: string;
  canonicalUrl?: string | undefined;
  contentHash: string;
  feedId?: string | undefined;
  guid?: string | undefined;
}

export interface FeedUpdate {
  etag?: string | undefined;
  lastModified?: string | undefined;
  title?: string | undefined;
  nextPollAt: Timestamp;
  /** Undefined on success. */
  error?: FeedError | undefined;
  /** What decoding repaired, when it had to: kept in the feed's health with `at`. */
  damage?: FeedDamage | undefined;
  /** Entries held over for later ticks (see `Store.deferItems`); 0 clears the count. */
  deferred?: number | undefined;
  at: Timestamp;
}

/** An item normalised and classified whose story assignment waits for a later tick. */
export interface DeferredItem {
  item: Item;
  verdict: Verdict;
  fingerprint: Fingerprint;
}

/** A feed's oldest deferred items, with the keys that drop them once they are taken. */
export interface DeferredBatch {
  items: Array<DeferredItem & { key: string }>;
  /** Whether more items wait behind these. */
  more: boolean;
}

/** Everything one ingested item changes, written together. */
export interface IngestWrite {
  stored: StoredItem;
  story?: Story | undefined;
  /** The item's fingerprint, indexed under the story when it joined or founded one. */
  fingerprint?: Fingerprint | undefined;
  /**
   * Stories the item showed to be `story` (it matched them too) and that `story` now holds
   * (see `mergeStories`). In the same unit of work they stop being stories of their own: their
   * items and index entries are `story`'s, and `getStory` with one of their ids gives `story`.
   */
  absorbed?: readonly string[] | undefined;
}

/** Persistence port. SQLite is the embedded default; every adapter passes one contract suite. */
export interface Store {
  addFeed(url: string, now: Timestamp, title?: string): Promise<{ feed: Feed; created: boolean }>;
  getFeed(id: string): Promise<Feed | undefined>;
  listFeeds(): Promise<Feed[]>;
  removeFeed(id: string): Promise<boolean>;
  dueFeeds(now: Timestamp, limit: number): Promise<Feed[]>;
  /**
   * Due feeds, earliest first, each moved to `leaseUntil` by a write conditional on its
   * poll time being unchanged: of two ticks selecting a feed at once, only one gets it back.
   * Returned as leased (`nextPollAt` is `leaseUntil`); the fetch's `recordFetch` ends the
   * lease, and a feed whose fetch never finishes falls due again when it runs out.
   */
  leaseDueFeeds(now: Timestamp, limit: number, leaseUntil: Timestamp): Promise<Feed[]>;
  recordFetch(feedId: string, update: FeedUpdate): Promise<Feed | undefined>;

  findDuplicate(keys: DuplicateKeys): Promise<StoredItem | undefined>;
  /** Keeps the item's identity while its title or summary changes. */
  updateItemText(id: string, title: string, summary: string): Promise<void>;
  /**
   * Stories indexed under any of `keys` since `since`: those sharing the most keys first
   * (more shared LSH bands means more alike), at most `limit` of them.
   */
  storyCandidates(keys: readonly string[], since: Timestamp, limit: number): Promise<StoryCandidate[]>;
  saveIngest(write: IngestWrite): Promise<void>;
  /**
   * One feed may add only so many items a tick; the rest of its entries are kept here, in
   * order, and taken on the following ticks, so a huge feed neither holds the single writer
   * for long nor loses an entry.
   */
  deferItems(feedId: string, items: readonly DeferredItem[]): Promise<void>;
  /** A feed's oldest `limit` deferred items, left in place until `dropDeferred`. */
  deferredItems(feedId: string, limit: number): Promise<DeferredBatch>;
  dropDeferred(feedId: string, keys: readonly string[]): Promise<void>;
  /**
   * Optional: runs a run of ingest writes as one unit of work (one transaction in SQLite),
   * since a commit per item costs more than the item. Writes finished before a failure stay
   * stored, as they would one by one.
   */
  batch?<T>(work: () => Promise<T>): Promise<T>;

  /** The story with this id, or the story it was merged into (whose `id` then differs). */
  getStory(id: string): Promise<Story | undefined>;
  listStories(query: StoryQuery): Promise<Page<Story>>;
  getItem(id: string): Promise<StoredItem | undefined>;
  /**
   * The stored items among `ids`, each as it was placed (its item and verdict), by id, in one
   * batched read; ids never stored are absent. What a placement is worked out again from
   * (`placementOf`), however many reports a story lists before it.
   */
  placedReports(ids: readonly string[]): Promise<Map<string, PlacedReport>>;
  listItems(query: ItemQuery): Promise<Page<StoredItem>>;
  /**
   * Optional: a token that changes whenever stored data may have changed, cheap enough to
   * read on every request. Readers cache what they rendered from the store under it.
   */
  dataVersion?(): string;

  close(): Promise<void>;
}

/** Time is a parameter, so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface FetchRequest {
  url: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type FetchResult =
  | { status: "not-modified"; maxAgeSeconds?: number | undefined }
  | {
      status: "ok";
      body: Uint8Array;
      contentType?: string | undefined;
      etag?: string | undefined;
      lastModified?: string | undefined;
      finalUrl: string;
      maxAgeSeconds?: number | undefined;
    }
  | { status: "error"; error: FeedError; retryAfterSeconds?: number | undefined };

/** Outbound fetching of feeds. Adapters enforce the limits; callers never see an exception. */
export interface Fetcher {
  fetch(request: FetchRequest): Promise<FetchResult>;
}

/** The slice of a structured logger the apps use; pino satisfies it. */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
