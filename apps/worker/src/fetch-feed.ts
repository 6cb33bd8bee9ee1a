import {
  type Clock,
  type Feed,
  type FeedDamage,
  type FeedError,
  type Fetcher,
  type FetchResult,
  feedError,
  type Item,
  oneLineReason,
  type Store,
} from "@treatywatch/core";
import type { ParsedFeed } from "@treatywatch/feeds/parse";
import type { ItemText, Savepoints, StoredItemTexts } from "@treatywatch/store";
import {
  emptySummary,
  type IngestSummary,
  ingestFeedItems,
  type NormalisedEntries,
  type PreparedEntries,
  textEdited,
} from "./ingest.ts";
import {
  DEFAULT_POLL_POLICY,
  failureInterval,
  type PollPolicy,
  previousIntervalSeconds,
  publishingIntervalSeconds,
  successInterval,
} from "./schedule.ts";
import type { Serializer } from "./serial.ts";

type Reader = typeof import("./read-feed.ts");
let reader: Promise<Reader> | undefined;

/**
 * Parsing and classifying, loaded for the first feed with content to read: a fetch answered
 * 304, or refused, needs neither, so a function that starts for one does not load them.
 */
function feedReader(): Promise<Reader> {
  reader ??= import("./read-feed.ts");
  return reader;
}

/** Classifies and fingerprints items (`assessItems`): the costly read of their text. */
export type PrepareItems = (items: readonly Item[]) => PreparedEntries;

/**
 * Takes a feed's entries, made items but not yet read, on to story assignment, which has a
 * single writer. It finds which are stored already and prepares only the others.
 */
export type IngestSink = (entries: NormalisedEntries, prepare: PrepareItems) => Promise<IngestSummary>;

/**
 * The most new items one feed adds in one tick. Story assignment has a single writer, so a
 * feed of tens of thousands of entries would otherwise hold every other feed up (and, in
 * SQLite, the write lock) for minutes; its other entries wait in the store for the next ticks.
 */
export const MAX_NEW_ITEMS_PER_TICK = 1_000;

export interface FetchDeps {
  /**
   * With `storedItemTexts` (both stores have it), entries stored already are not read again; with
   * `savepoint` (SQLite), a poll's serializer writes several feeds in one commit.
   */
  store: Store & Partial<StoredItemTexts> & Partial<Savepoints>;
  fetcher: Fetcher;
  clock: Clock;
  policy?: PollPolicy;
  /**
   * Story assignment is single-writer: ingests go through this, one at a time, each with its
   * feed's health, so a feed's validators are stored with its items (several feeds' in one commit
   * with `createSerializer(store)`). Without it each feed writes on its own.
   */
  serialize?: Serializer | undefined;
  /** Replaces in-process story assignment (and `serialize`): on AWS, prepared items go to the ingest queue. */
  ingest?: IngestSink | undefined;
  /** In-process ingest only (the ingest queue is the backlog on AWS); `MAX_NEW_ITEMS_PER_TICK` by default. */
  maxNewItemsPerTick?: number | undefined;
}

export interface FeedOutcome {
  feedId: string;
  url: string;
  status: "ok" | "not-modified" | "error";
  error?: FeedError | undefined;
  /** Set when not even the failure could be stored: the feed is due again when its lease ends. */
  unrecorded?: boolean | undefined;
  /** What decoding had to repair to read the feed, if anything. */
  damage?: FeedDamage | undefined;
  entries: number;
  summary: IngestSummary;
  nextPollAt: string;
}

function after(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

function outcomeOf(feed: Feed, status: FeedOutcome["status"], nextPollAt: string, rest: Partial<FeedOutcome> = {}) {
  return { feedId: feed.id, url: feed.url, status, entries: 0, summary: emptySummary(), nextPollAt, ...rest };
}

/** Records a failed fetch on the feed (backing off) and says so. */
async function recordFailure(
  feed: Feed,
  deps: FetchDeps,
  error: FeedError,
  rest: Partial<FeedOutcome> & { retryAfterSeconds?: number | undefined; deferred?: number | undefined } = {},
): Promise<FeedOutcome> {
  const { retryAfterSeconds, deferred, ...outcome } = rest;
  const now = deps.clock.now();
  const failures = feed.health.consecutiveFailures + 1;
  const nextPollAt = after(now, failureInterval(deps.policy ?? DEFAULT_POLL_POLICY, failures, retryAfterSeconds));
  await deps.store.recordFetch(feed.id, { error, nextPollAt, at: now.toISOString(), deferred });
  return outcomeOf(feed, "error", nextPollAt, { ...outcome, error });
}

/** Entries that could not be read or stored make the fetch an error, though the others were kept. */
function entryFailure(summary: IngestSummary, entries: number): FeedError | undefined {
  if (summary.failed === 0) return undefined;
  return feedError("internal", `${summary.failed} of ${entries} entries could not be read: ${summary.failure}`);
}

/**
 * Fetches, parses and ingests one feed, and records its health. Never throws for a bad feed:
 * anything that goes wrong on the way, expected or not, is recorded as the feed's error (an
 * unexpected one as `internal`). Only a store that cannot record even that throws.
 */
export async function fetchFeed(feed: Feed, deps: FetchDeps): Promise<FeedOutcome> {
  try {
    return (feed.health.deferred ?? 0) > 0 && !deps.ingest
      ? await takeDeferred(feed, deps)
      : await fetchAndIngest(feed, deps);
  } catch (error) {
    return recordFailure(feed, deps, feedError("internal", error));
  }
}

async function fetchAndIngest(feed: Feed, deps: FetchDeps): Promise<FeedOutcome> {
  const policy = deps.policy ?? DEFAULT_POLL_POLICY;
  const result = await deps.fetcher.fetch({ url: feed.url, etag: feed.etag, lastModified: feed.lastModified });
  if (result.status === "error") {
    return recordFailure(feed, deps, result.error, { retryAfterSeconds: result.retryAfterSeconds });
  }
  if (result.status === "not-modified") {
    const now = deps.clock.now();
    const nextPollAt = after(
      now,
      successInterval(policy, {
        maxAgeSeconds: result.maxAgeSeconds,
        unchangedAfterSeconds: previousIntervalSeconds(feed),
      }),
    );
    await deps.store.recordFetch(feed.id, {
      etag: feed.etag,
      lastModified: feed.lastModified,
      nextPollAt,
      at: now.toISOString(),
    });
    return outcomeOf(feed, "not-modified", nextPollAt);
  }

  const { parseFeed, normaliseEntries, assessItems } = await feedReader();
  const parsed = await parseFeed(result.body, result.contentType, { url: result.finalUrl });
  if (!parsed.ok) return recordFailure(feed, deps, parsed.error);
  const normalised = normaliseEntries(
    parsed.feed.entries,
    { feedId: feed.id, feedUrl: result.finalUrl, feedTitle: parsed.feed.title ?? feed.title },
    deps.clock.now().toISOString(),
  );
  const fetched = { result, feed: parsed.feed };
  if (deps.ingest) return recordFetched(feed, deps, fetched, normalised, await deps.ingest(normalised, assessItems));
  const staged = await stageInProcess(normalised, assessItems, deps.store);
  const serialize = deps.serialize ?? ((task) => task());
  // The feed's validators are written with its items, in the same unit: a crash before it commits
  // loses both, and the next poll fetches the entries again.
  return serialize(
    async () => recordFetched(feed, deps, fetched, normalised, await ingestInProcess(feed, staged, deps)),
    Math.min(staged.prepared.items.length, newItemsPerTick(deps)) + staged.edits.length,
  );
}

/** The most new items a feed adds in one tick under these deps. */
function newItemsPerTick(deps: FetchDeps): number {
  return deps.maxNewItemsPerTick ?? MAX_NEW_ITEMS_PER_TICK;
}

/** A fetch with content, as fetched and parsed: its validators and hints for the next poll. */
interface Fetched {
  result: Extract<FetchResult, { status: "ok" }>;
  feed: ParsedFeed;
}

/** Records a fetch whose entries were ingested: its validators and next poll, or its entries' failure. */
async function recordFetched(
  feed: Feed,
  deps: FetchDeps,
  fetched: Fetched,
  normalised: NormalisedEntries,
  summary: IngestSummary,
): Promise<FeedOutcome> {
  const { result, feed: parsed } = fetched;
  summary.skipped = normalised.skipped;
  summary.failed += normalised.failed;
  summary.failure ??= normalised.failure;
  const entries = parsed.entries.length;
  const failure = entryFailure(summary, entries);
  const damage = parsed.damage;
  if (failure) return recordFailure(feed, deps, failure, { entries, summary, damage, deferred: summary.deferred });

  const now = deps.clock.now();
  const nextPollAt =
    summary.deferred > 0
      ? now.toISOString()
      : after(
          now,
          successInterval(deps.policy ?? DEFAULT_POLL_POLICY, {
            maxAgeSeconds: result.maxAgeSeconds,
            ttlMinutes: parsed.ttlMinutes,
            publishingSeconds: publishingIntervalSeconds(
              parsed.entries.map((entry) => entry.published),
              now,
            ),
          }),
        );
  await deps.store.recordFetch(feed.id, {
    etag: result.etag,
    lastModified: result.lastModified,
    title: parsed.title,
    nextPollAt,
    damage,
    deferred: summary.deferred,
    at: now.toISOString(),
  });
  return outcomeOf(feed, "ok", nextPollAt, { entries, summary, damage });
}

/** A feed's items the store holds already (one batched read), and the edits their text takes, in feed order. */
async function storedAlready(
  items: readonly Item[],
  store: FetchDeps["store"],
): Promise<{ stored: Set<string>; edits: Item[] }> {
  const texts: Map<string, ItemText> = store.storedItemTexts
    ? await store.storedItemTexts([...new Set(items.map((item) => item.id))])
    : new Map();
  const edits: Item[] = [];
  for (const item of items) {
    const text = texts.get(item.id);
    if (!text || !textEdited({ id: item.id, ...text }, item)) continue;
    edits.push(item);
    // A second entry under the same id is compared with the first one's text, as it would be once that is written.
    texts.set(item.id, { title: item.title, summary: item.summary });
  }
  return { stored: new Set(texts.keys()), edits };
}

/** A feed's entries read before they wait for the single writer: which are stored already, and the others prepared. */
interface Staged {
  /** Items stored already whose title or summary changed, in feed order. */
  edits: Item[];
  /** Entries stored already, edited or not. */
  stored: number;
  prepared: PreparedEntries;
}

/** Finds which of a feed's items are stored already and classifies only the others. */
async function stageInProcess(
  normalised: NormalisedEntries,
  prepare: PrepareItems,
  store: FetchDeps["store"],
): Promise<Staged> {
  const { stored, edits } = await storedAlready(normalised.items, store);
  const unseen = normalised.items.filter((item) => !stored.has(item.id));
  return { edits, stored: normalised.items.length - unseen.length, prepared: prepare(unseen) };
}

/**
 * In-process story assignment of one feed's staged entries, run by the single writer: entries
 * stored already count as duplicates (an edited title or summary written onto the item); what
 * the tick's cap leaves is kept for the next.
 */
async function ingestInProcess(
  feed: Feed,
  { edits, stored, prepared }: Staged,
  deps: FetchDeps,
): Promise<IngestSummary> {
  const { store } = deps;
  // An edit that cannot be written costs its entry, as a failed item does, not the feed.
  let editsFailed = 0;
  let editFailure: string | undefined;
  const failed = (error: unknown, count: number) => {
    editsFailed += count;
    editFailure ??= oneLineReason(error);
  };
  const writeEdits = async () => {
    for (const item of edits) {
      await store.updateItemText(item.id, item.title, item.summary).catch((error: unknown) => failed(error, 1));
    }
  };
  if (edits.length > 0) {
    await (store.batch ? store.batch(writeEdits) : writeEdits()).catch((error: unknown) =>
      // The batch itself failed (its commit, say): none of its edits stands.
      failed(error, edits.length - editsFailed),
    );
  }
  const { summary, rest } = await ingestFeedItems(prepared.items, deps, newItemsPerTick(deps));
  if (rest.length > 0) await store.deferItems(feed.id, rest);
  summary.deferred = rest.length;
  summary.duplicate += stored - editsFailed;
  summary.failed += prepared.failed + editsFailed;
  summary.failure ??= prepared.failure ?? editFailure;
  return summary;
}

/**
 * A tick for a feed with entries held over: the next of them are taken from the store instead
 * of fetching again (a fetch would find the same entries), and the feed stays due until none
 * are left. Its validators stay as the fetch that found the entries left them.
 */
async function takeDeferred(feed: Feed, deps: FetchDeps): Promise<FeedOutcome> {
  const serialize = deps.serialize ?? ((task) => task());
  const limit = newItemsPerTick(deps);
  const taking = Math.min(limit, feed.health.deferred ?? limit);
  // The items taken, their removal from the backlog and the feed's health are one unit.
  return serialize(async () => {
    const batch = await deps.store.deferredItems(feed.id, limit);
    const { summary } = await ingestFeedItems(batch.items, deps);
    await deps.store.dropDeferred(
      feed.id,
      batch.items.map((item) => item.key),
    );
    const taken = batch.items.length;
    summary.deferred = batch.more ? Math.max(1, (feed.health.deferred ?? 0) - taken) : 0;
    const failure = entryFailure(summary, taken);
    if (failure) return recordFailure(feed, deps, failure, { entries: taken, summary, deferred: summary.deferred });
    const now = deps.clock.now();
    const nextPollAt = batch.more
      ? now.toISOString()
      : after(now, successInterval(deps.policy ?? DEFAULT_POLL_POLICY, {}));
    await deps.store.recordFetch(feed.id, {
      etag: feed.etag,
      lastModified: feed.lastModified,
      nextPollAt,
      deferred: summary.deferred,
      at: now.toISOString(),
    });
    return outcomeOf(feed, "ok", nextPollAt, { entries: taken, summary });
  }, taking);
}
