import type { Clock, DeliveryStore, Logger, Store, Subscription } from "@treatywatch/core";
import type { Queue } from "@treatywatch/queue/sqs";
import { enqueueDueDeliveries } from "../deliver.ts";
import { runDueDigests, storedItemSummaries, storiesUpdatedBetween } from "../digest.ts";
import { instrumented } from "./lambda-config.ts";

/** What a schedule asks of the tick: build due digests, or queue due deliveries (new and retries). */
export type TickTask = "digests" | "retries";

export interface DeliveryTickDeps {
  /** With `getItem`, digests quote each source's own summary. */
  store: Pick<Store, "listStories"> & Partial<Pick<Store, "getItem">>;
  activeSubscriptions(): Promise<Subscription[]>;
  deliveries: DeliveryStore;
  deliveryQueue: Queue;
  clock: Clock;
  logger: Logger;
  unsubscribeUrl(subscriptionId: string): Promise<string>;
  /** Where all of a subscription's stories are listed, for a digest's "and N more". */
  storiesUrl?: ((subscriptionId: string) => string) | undefined;
}

/** Deliveries one retry tick queues at most; the next tick takes the rest. */
export const RETRY_TICK_LIMIT = 1_000;
/** How long a queued delivery is held before a later tick may queue it again. */
export const RETRY_LEASE_SECONDS = 300;

export class BadTickError extends Error {
  override name = "BadTickError";
}

export function parseTick(event: unknown): TickTask {
  const task = (event as { task?: unknown } | null)?.task;
  if (task !== "digests" && task !== "retries") throw new BadTickError(`unknown tick task: ${String(task)}`);
  return task;
}

/**
 * One scheduled tick. Digests: every active digest subscription whose local send time
 * has come gets its digest built and queued (once per period, however often this runs).
 * Retries: pending deliveries that fell due are queued for the deliver function.
 */
export async function runTick(task: TickTask, deps: DeliveryTickDeps): Promise<{ task: TickTask; queued: number }> {
  if (task === "retries") {
    const queued = await enqueueDueDeliveries(deps.deliveryQueue, deps, {
      limit: RETRY_TICK_LIMIT,
      leaseSeconds: RETRY_LEASE_SECONDS,
    });
    deps.logger.info({ queued }, "due deliveries queued");
    return { task, queued };
  }
  const run = await runDueDigests(await deps.activeSubscriptions(), {
    deliveries: deps.deliveries,
    queue: deps.deliveryQueue,
    clock: deps.clock,
    storiesBetween: (start, end) => storiesUpdatedBetween(deps.store, start, end),
    itemSummaries: deps.store.getItem && storedItemSummaries({ getItem: deps.store.getItem.bind(deps.store) }),
    unsubscribeUrl: (id) => deps.unsubscribeUrl(id),
    storiesUrl: deps.storiesUrl,
  });
  deps.logger.info({ built: run.built.length, alreadyBuilt: run.alreadyBuilt, empty: run.empty }, "digest tick");
  return { task, queued: run.built.length };
}

/** EventBridge Scheduler invokes this with `{ "task": "digests" }` or `{ "task": "retries" }`. */
export const handler = instrumented(async (event: unknown, runtime) => {
  const tick = await runTick(parseTick(event), {
    store: runtime.store,
    activeSubscriptions: () => runtime.subscriptions.subscriptionsWithStatus("active"),
    deliveries: runtime.deliveries,
    deliveryQueue: runtime.deliveryQueue(),
    clock: runtime.clock,
    logger: runtime.logger,
    unsubscribeUrl: (id) => runtime.unsubscribeUrl(id),
    storiesUrl: (id) => runtime.storiesUrl(id),
  });
  runtime.metrics.count(tick.task === "digests" ? "DigestsBuilt" : "DueDeliveriesQueued", tick.queued);
  return tick;
});
