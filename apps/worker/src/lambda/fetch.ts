import type { Fetcher, Logger } from "@treatywatch/core";
import { NodeHttpFetcher } from "@treatywatch/http/node";
import { processSqsBatch, type SqsBatchResponse, type SqsRecord } from "@treatywatch/queue/sqs";
import { type FetchDeps, fetchFeed } from "../fetch-feed.ts";
import { shardedIngestSink } from "./ingest.ts";
import { instrumented } from "./lambda-config.ts";
import { parseFetchMessage } from "./messages.ts";

export interface FetchConsumerDeps extends FetchDeps {
  logger: Logger;
}

/**
 * Fetches the feed each record names; with `deps.ingest` set (as on AWS) its new relevant
 * items go on to the story shards. A bad feed is recorded on the feed and is
 * not a failure; a record fails (and SQS retries it alone) only when the message
 * is unreadable or the store or fetch threw.
 */
export async function consumeFetchBatch(
  records: readonly SqsRecord[],
  deps: FetchConsumerDeps,
): Promise<SqsBatchResponse> {
  return processSqsBatch(records, async (record) => {
    try {
      await fetchOne(record, deps);
    } catch (error) {
      deps.logger.error({ err: error, messageId: record.messageId }, "fetch message failed");
      throw error;
    }
  });
}

async function fetchOne(record: SqsRecord, deps: FetchConsumerDeps): Promise<void> {
  {
    const { feedId } = parseFetchMessage(record.body);
    const feed = await deps.store.getFeed(feedId);
    if (!feed) {
      deps.logger.info({ feedId }, "feed removed before its fetch");
      return;
    }
    const outcome = await fetchFeed(feed, deps);
    deps.logger.info(
      { feedId, status: outcome.status, entries: outcome.entries, error: outcome.error?.kind },
      "feed fetched",
    );
  }
}

let fetcher: Fetcher | undefined;

export const handler = instrumented(async (event: { Records: SqsRecord[] }, runtime) => {
  fetcher ??= new NodeHttpFetcher(runtime.fetch);
  const response = await consumeFetchBatch(event.Records, {
    store: runtime.store,
    fetcher,
    clock: runtime.clock,
    logger: runtime.logger,
    ingest: shardedIngestSink({ seen: runtime.store, shards: runtime.storyShards, sender: runtime.ingestSender() }),
  });
  if (response.batchItemFailures.length > 0) {
    runtime.logger.warn({ failed: response.batchItemFailures.length, of: event.Records.length }, "fetch batch");
  }
  runtime.metrics.count("FetchMessages", event.Records.length);
  runtime.metrics.count("FetchMessagesFailed", response.batchItemFailures.length);
  return response;
});
