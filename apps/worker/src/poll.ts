import type { Feed } from "@treatywatch/core";
import { type FeedOutcome, type FetchDeps, fetchFeed } from "./fetch-feed.ts";
import { createSerializer } from "./serial.ts";

export interface PollOptions {
  /** Most feeds fetched by one tick. */
  batchSize: number;
  /** Most fetches in flight at once. */
  concurrency: number;
}

export const DEFAULT_POLL_OPTIONS: PollOptions = { batchSize: 500, concurrency: 8 };

/** Fetches the given feeds, at most `concurrency` at a time; outcomes come back in the same order. */
export async function pollFeeds(
  feeds: readonly Feed[],
  deps: FetchDeps,
  concurrency = DEFAULT_POLL_OPTIONS.concurrency,
): Promise<FeedOutcome[]> {
  const serialize = deps.serialize ?? createSerializer();
  const outcomes: FeedOutcome[] = new Array(feeds.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < feeds.length) {
      const index = next++;
      const feed = feeds[index];
      if (feed) outcomes[index] = await fetchFeed(feed, { ...deps, serialize });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, feeds.length) }, worker));
  return outcomes;
}

/** One schedule tick: fetches every feed that is due. */
export async function pollDueFeeds(
  deps: FetchDeps,
  options: PollOptions = DEFAULT_POLL_OPTIONS,
): Promise<FeedOutcome[]> {
  const due = await deps.store.dueFeeds(deps.clock.now().toISOString(), options.batchSize);
  return pollFeeds(due, deps, options.concurrency);
}
