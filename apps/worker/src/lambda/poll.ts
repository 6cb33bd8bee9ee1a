import type { Clock, Logger, Store } from "@treatywatch/core";
import { MAX_BATCH, type Queue } from "@treatywatch/queue/sqs";
import { instrumented } from "./lambda-config.ts";
import { encodeFetchMessage } from "./messages.ts";

export interface PollTickDeps {
  store: Store;
  fetchQueue: Queue;
  clock: Clock;
  logger: Logger;
}

/**
 * One schedule tick: every due feed becomes a fetch message, so fetching fans out
 * over the fetch consumer. A feed enqueued twice is fetched twice, harmlessly.
 */
export async function enqueueDueFeeds(deps: PollTickDeps, batchSize: number): Promise<{ enqueued: number }> {
  const due = await deps.store.dueFeeds(deps.clock.now().toISOString(), batchSize);
  for (let start = 0; start < due.length; start += MAX_BATCH) {
    const batch = due.slice(start, start + MAX_BATCH);
    await deps.fetchQueue.sendBatch(batch.map((feed) => encodeFetchMessage({ feedId: feed.id })));
  }
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
