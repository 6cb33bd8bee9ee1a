import type { Clock, Logger, Store } from "@treatywatch/core";
import { MAX_BATCH, type Queue } from "@treatywatch/queue/sqs";
import { FEED_LEASE_SECONDS, leaseDueFeeds } from "../feed-lease.ts";
import { instrumented } from "./lambda-config.ts";
import { encodeFetchMessage } from "./messages.ts";

/** SendMessageBatch calls a tick has in flight at once. */
const SENDS_IN_FLIGHT = 16;

export interface PollTickDeps {
  store: Store;
  fetchQueue: Queue;
  clock: Clock;
  logger: Logger;
}

/**
 * One schedule tick: every due feed this tick leases becomes a fetch message, so fetching
 * fans out over the fetch consumer. Ticks that overlap (a slow tick and the next schedule)
 * lease each feed once between them; a feed whose fetch is lost falls due when the lease ends.
 */
export async function enqueueDueFeeds(
  deps: PollTickDeps,
  batchSize: number,
  leaseSeconds = FEED_LEASE_SECONDS,
): Promise<{ enqueued: number }> {
  const due = await leaseDueFeeds(deps, batchSize, leaseSeconds);
  const batches: string[][] = [];
  for (let start = 0; start < due.length; start += MAX_BATCH) {
    batches.push(due.slice(start, start + MAX_BATCH).map((feed) => encodeFetchMessage({ feedId: feed.id })));
  }
  // A tick of thousands of feeds is hundreds of SendMessageBatch calls: a few at once keep it well inside the timeout.
  let next = 0;
  const sender = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) await deps.fetchQueue.sendBatch(batch);
  };
  await Promise.all(Array.from({ length: Math.min(SENDS_IN_FLIGHT, batches.length) }, sender));
  deps.logger.info({ enqueued: due.length }, "poll tick");
  return { enqueued: due.length };
}

/** EventBridge Scheduler invokes this on the poll schedule. */
export const handler = instrumented(async (_event: unknown, runtime) => {
  const tick = await enqueueDueFeeds(
    { store: runtime.store, fetchQueue: runtime.fetchQueue(), clock: runtime.clock, logger: runtime.logger },
    runtime.aws.pollBatchSize,
  );
  runtime.metrics.count("FeedsEnqueued", tick.enqueued);
  return tick;
});
