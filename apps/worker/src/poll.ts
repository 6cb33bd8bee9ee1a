import { type Feed, feedError } from "@treatywatch/core";
import { leaseDueFeeds } from "./feed-lease.ts";
import { type FeedOutcome, type FetchDeps, fetchFeed } from "./fetch-feed.ts";
import { emptySummary } from "./ingest.ts";
import { createSerializer } from "./serial.ts";

export { FEED_LEASE_SECONDS, leaseDueFeeds } from "./feed-lease.ts";

export interface PollOptions {
  /** Most feeds fetched by one tick. */
  batchSize: number;
  /** Most fetches in flight at once (per batch handler). */
  concurrency: number;
  /** Feeds in one queued fetch message. */
  feedsPerMessage?: number | undefined;
  /** How long a tick holds the feeds it selected; see `FEED_LEASE_SECONDS`. */
  leaseSeconds?: number | undefined;
}

/**
 * A fetch mostly waits on a remote server (hundreds of ms to seconds), so 16 in flight keep a
 * 500-feed tick well inside a minute where 8 would not; each holds at most one capped body,
 * and story assignment stays single-writer whatever the number.
 */
export const DEFAULT_POLL_OPTIONS: PollOptions = { batchSize: 500, concurrency: 16, feedsPerMessage: 25 };

/** The fetch-stage message: the poll tick sends these through the Queue port. */
export interface FetchBatch {
  feedIds: string[];
  /** The tick's lease on these feeds: a feed still held by it is fetched though not yet due. */
  leaseUntil?: string | undefined;
}

/**
 * What a feed's fetch ended with when not even its error could be recorded (the store threw):
 * still an outcome of its own, so one feed never takes the others of its tick down. It is due
 * again when its lease runs out.
 */
function unrecorded(feed: Feed, error: unknown): FeedOutcome {
  return {
    feedId: feed.id,
    url: feed.url,
    status: "error",
    error: feedError("internal", error),
    unrecorded: true,
    entries: 0,
    summary: emptySummary(),
    nextPollAt: feed.nextPollAt,
  };
}

/** Fetches the given feeds, at most `concurrency` at a time; outcomes come back in the same order. Never throws. */
export async function pollFeeds(
  feeds: readonly Feed[],
  deps: FetchDeps,
  concurrency = DEFAULT_POLL_OPTIONS.concurrency,
): Promise<FeedOutcome[]> {
  return pollEach(feeds.length, (index) => feeds[index], deps, concurrency);
}

/**
 * A feed of a fetch message could not be read: the feeds after it were not started. The feeds
 * fetched before it were stored, and their outcomes (with the story events they made) are here,
 * so that what is announced of them is not lost with the error.
 */
export class FeedsUnread extends Error {
  constructor(
    cause: unknown,
    readonly outcomes: FeedOutcome[],
  ) {
    super(`a feed could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "FeedsUnread";
  }
}

/**
 * Fetches `count` feeds, at most `concurrency` at a time, each taken from `feedAt` when a fetch
 * slot comes to it (none: skipped); outcomes come back in the order of the feeds. A feed that
 * cannot be read stops further feeds from starting (a slot already reading one still fetches it),
 * and once those in flight are done `FeedsUnread` is thrown with the outcomes of those fetched.
 */
async function pollEach(
  count: number,
  feedAt: (index: number) => Feed | undefined | Promise<Feed | undefined>,
  deps: FetchDeps,
  concurrency: number,
): Promise<FeedOutcome[]> {
  const serialize = deps.serialize ?? createSerializer(deps.store);
  const outcomes: Array<FeedOutcome | undefined> = new Array(count);
  let next = 0;
  let unreadable: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < count && !unreadable) {
      const index = next++;
      let feed: Feed | undefined;
      try {
        feed = await feedAt(index);
      } catch (error) {
        unreadable ??= { error };
        return;
      }
      if (!feed) continue;
      try {
        outcomes[index] = await fetchFeed(feed, { ...deps, serialize });
      } catch (error) {
        outcomes[index] = unrecorded(feed, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const done = outcomes.filter((outcome) => outcome !== undefined);
  if (unreadable) throw new FeedsUnread(unreadable.error, done);
  return done;
}

/** Splits feed ids into fetch messages of at most `size` feeds. */
export function toFetchBatches(feedIds: readonly string[], size: number): FetchBatch[] {
  const batches: FetchBatch[] = [];
  for (let start = 0; start < feedIds.length; start += Math.max(1, size)) {
    batches.push({ feedIds: feedIds.slice(start, start + Math.max(1, size)) });
  }
  return batches;
}

/** Leases the feeds due now, as fetch messages carrying the lease. */
export async function planFetchBatches(
  deps: Pick<FetchDeps, "store" | "clock">,
  options: PollOptions = DEFAULT_POLL_OPTIONS,
): Promise<FetchBatch[]> {
  const leased = await leaseDueFeeds(deps, options.batchSize, options.leaseSeconds);
  const batches = toFetchBatches(
    leased.map((feed) => feed.id),
    options.feedsPerMessage ?? DEFAULT_POLL_OPTIONS.feedsPerMessage ?? 25,
  );
  const leaseUntil = leased[0]?.nextPollAt;
  return batches.map((batch) => ({ ...batch, leaseUntil }));
}

/**
 * The fetch stage for one message. Messages arrive at least once, so a feed removed
 * since, or already fetched (its lease ended) and no longer due, is skipped.
 */
export async function handleFetchBatch(
  message: FetchBatch,
  deps: FetchDeps & { concurrency?: number | undefined },
): Promise<FeedOutcome[]> {
  const now = deps.clock.now().getTime();
  const ids = [...new Set(message.feedIds)];
  // Each feed is read as a fetch slot comes to it, so a tick holds only the feeds in flight.
  const dueFeed = async (index: number): Promise<Feed | undefined> => {
    const feed = await deps.store.getFeed(ids[index] ?? "");
    return feed && (Date.parse(feed.nextPollAt) <= now || feed.nextPollAt === message.leaseUntil) ? feed : undefined;
  };
  return pollEach(ids.length, dueFeed, deps, deps.concurrency ?? DEFAULT_POLL_OPTIONS.concurrency);
}

/**
 * One schedule tick. With `enqueue` the due feeds go to the fetch queue as messages and
 * no outcomes come back; without it the same handler runs here, over all due feeds at once.
 */
export async function pollDueFeeds(
  deps: FetchDeps,
  options: PollOptions & { enqueue?: ((batch: FetchBatch) => Promise<void>) | undefined } = DEFAULT_POLL_OPTIONS,
): Promise<FeedOutcome[]> {
  const batches = await planFetchBatches(deps, options);
  if (options.enqueue) {
    for (const batch of batches) await options.enqueue(batch);
    return [];
  }
  const feedIds = batches.flatMap((batch) => batch.feedIds);
  return handleFetchBatch(
    { feedIds, leaseUntil: batches[0]?.leaseUntil },
    { ...deps, concurrency: options.concurrency },
  );
}
