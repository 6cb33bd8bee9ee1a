import type { LambdaMetrics } from "@treatywatch/config/powertools";
import type { Logger } from "@treatywatch/core";
import { type FifoMessage, processFifoBatch, type SqsBatchResponse, type SqsRecord } from "@treatywatch/queue/sqs";
import type { IngestSink } from "../fetch-feed.ts";
import { emptySummary, type IngestDeps, ingestItems, replayStoryEvent, type StoryEvent } from "../ingest.ts";
import { instrumented } from "./lambda-config.ts";
import { BadMessageError, encodeIngestMessage, encodeStoryEvent, parseIngestMessage } from "./messages.ts";

/** Where fetchers hand prepared items: the ingest FIFO queue, one message group. */
export interface IngestSender {
  sendAll(messages: readonly FifoMessage[]): Promise<void>;
}

/** Where story events go: the match queue. */
export interface StoryEventSender {
  sendBatch(bodies: readonly string[]): Promise<string[]>;
}

/** The fetch side: prepared items go to the single writer instead of into the store. */
export function queueIngestSink(sender: IngestSender): IngestSink {
  return async (prepared) => {
    await sender.sendAll(prepared.items.map(encodeIngestMessage));
    return { ...emptySummary(), skipped: prepared.skipped };
  };
}

export interface IngestConsumerDeps extends IngestDeps {
  storyEvents: StoryEventSender;
  logger: Logger;
  metrics?: Pick<LambdaMetrics, "count"> | undefined;
}

/**
 * The single writer: assigns each prepared item to a story, one at a time and in
 * order, and sends the stories it created or materially changed to the match queue.
 * The ingest queue is FIFO with one message group, so no other batch runs meanwhile.
 * An unreadable message is logged and dropped: retrying it would hold up every later item.
 * A redelivered message whose item is already stored sends its story event again: the
 * first attempt may have stored the item and failed before the send, and matching is
 * idempotent per story version, so the alert is sent at least once and never twice.
 */
export async function consumeIngestBatch(
  records: readonly SqsRecord[],
  deps: IngestConsumerDeps,
): Promise<SqsBatchResponse> {
  return processFifoBatch(records, async (record) => {
    try {
      const prepared = parseIngestMessage(record.body);
      const summary = await ingestItems([prepared], deps);
      deps.metrics?.count(summary.fresh > 0 ? "ItemsFresh" : "ItemsDuplicate");
      for (const event of summary.events)
        deps.metrics?.count(event.kind === "created" ? "StoriesCreated" : "StoriesUpdated");
      const events: StoryEvent[] = [...summary.events];
      if (summary.fresh === 0 && redelivered(record)) {
        const replayed = await replayStoryEvent(prepared.item.id, deps.store);
        if (replayed) {
          events.push(replayed);
          deps.metrics?.count("StoryEventsReplayed");
        }
      }
      if (events.length > 0) await deps.storyEvents.sendBatch(events.map(encodeStoryEvent));
    } catch (error) {
      deps.logger.error({ err: error, messageId: record.messageId }, "ingest message failed");
      if (!(error instanceof BadMessageError)) throw error;
    }
  });
}

/** SQS counts receives; a record seen before may have been stored by an attempt that failed later. */
function redelivered(record: SqsRecord): boolean {
  return Number(record.attributes?.ApproximateReceiveCount ?? "1") > 1;
}

export const handler = instrumented((event: { Records: SqsRecord[] }, runtime) =>
  consumeIngestBatch(event.Records, {
    store: runtime.store,
    clock: runtime.clock,
    logger: runtime.logger,
    metrics: runtime.metrics,
    storyEvents: runtime.matchQueue(),
  }),
);
