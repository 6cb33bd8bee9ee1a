import type { LambdaMetrics } from "@treatywatch/config/powertools";
import {
  buildMatchIndex,
  type Clock,
  type Logger,
  type MatchIndex,
  type Store,
  type Subscription,
} from "@treatywatch/core";
import { processSqsBatch, type SqsBatchResponse, type SqsRecord } from "@treatywatch/queue/sqs";
import { type MatchDeps, matchStory } from "../match.ts";
import { instrumented } from "./lambda-config.ts";
import { parseStoryEvent } from "./messages.ts";

/** How long a warm instance matches against the subscriptions it read before reading them again. */
export const MATCH_INDEX_MAX_AGE_MS = 60_000;

/**
 * The match index of the active subscriptions, built once and rebuilt when older than
 * `maxAgeMs`: subscriptions change rarely, story events often. Concurrent callers share one build.
 */
export function cachedMatchIndex(
  activeSubscriptions: () => Promise<Subscription[]>,
  clock: Clock,
  maxAgeMs = MATCH_INDEX_MAX_AGE_MS,
): () => Promise<MatchIndex> {
  let built: { at: number; index: Promise<MatchIndex> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (!built || now - built.at >= maxAgeMs) {
      const index = activeSubscriptions().then(buildMatchIndex);
      built = { at: now, index };
      index.catch(() => {
        if (built?.index === index) built = undefined;
      });
    }
    return built.index;
  };
}

export interface MatchConsumerDeps extends Omit<MatchDeps, "index"> {
  store: Pick<Store, "getStory">;
  index: () => Promise<MatchIndex>;
  logger: Logger;
  metrics?: Pick<LambdaMetrics, "count"> | undefined;
}

/**
 * Matches each story event against the instant subscriptions and queues one delivery
 * per subscriber. Deliveries are keyed by subscription, story and version, so a
 * redelivered event queues nothing twice. A record whose store or queue call threw is
 * reported failed and retried; so is one that cannot be read, which ends in the dead-letter
 * queue with its body intact after its receives run out.
 */
export async function consumeMatchBatch(
  records: readonly SqsRecord[],
  deps: MatchConsumerDeps,
): Promise<SqsBatchResponse> {
  return processSqsBatch(records, async (record) => {
    try {
      const event = parseStoryEvent(record.body);
      const story = await deps.store.getStory(event.storyId);
      if (!story) {
        deps.logger.info({ storyId: event.storyId }, "story gone before its match");
        return;
      }
      const outcome = await matchStory(story, event.kind === "created" ? undefined : event.changes, {
        ...deps,
        index: await deps.index(),
      });
      deps.logger.info({ storyId: story.id, version: story.version, ...outcome }, "story matched");
      deps.metrics?.count("DeliveriesCreated", outcome.enqueued);
    } catch (error) {
      deps.logger.error({ err: error, messageId: record.messageId }, "match message failed");
      throw error;
    }
  });
}

let index: (() => Promise<MatchIndex>) | undefined;

export const handler = instrumented((event: { Records: SqsRecord[] }, runtime) => {
  index ??= cachedMatchIndex(() => runtime.subscriptions.subscriptionsWithStatus("active"), runtime.clock);
  return consumeMatchBatch(event.Records, {
    store: runtime.store,
    index,
    deliveries: runtime.deliveries,
    queue: runtime.deliveryQueue(),
    clock: runtime.clock,
    logger: runtime.logger,
    metrics: runtime.metrics,
  });
});
