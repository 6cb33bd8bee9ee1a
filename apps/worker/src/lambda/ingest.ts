import { processPartialResponse, SqsFifoPartialProcessorAsync } from "@aws-lambda-powertools/batch";
import type { LambdaMetrics } from "@treatywatch/config/powertools";
import type { Clock, DuplicateKeys, Fingerprint, Item, Logger, Store, StoredItem } from "@treatywatch/core";
import { type FifoMessage, MAX_BATCH, type SqsBatchResponse, type SqsRecord } from "@treatywatch/queue/sqs";
import type { PreparedForShard, ShardAssignment } from "@treatywatch/store/dynamodb";
import type { IngestSink } from "../fetch-feed.ts";
import {
  emptySummary,
  type PreparedItem,
  replayStoryEvent,
  type StoryEvent,
  textEdited,
  withoutAbsorbed,
} from "../ingest.ts";
import { instrumented } from "./lambda-config.ts";
import {
  BadMessageError,
  encodeIngestMessage,
  encodeStoryEvent,
  parseIngestMessage,
  shardOfGroup,
} from "./messages.ts";

/** Where fetchers hand prepared items: the ingest FIFO queue, one message group a shard. */
export interface IngestSender {
  sendAll(messages: readonly FifoMessage[]): Promise<void>;
}

/** Where story events go: the match queue. */
export interface StoryEventSender {
  sendBatch(bodies: readonly string[]): Promise<string[]>;
}

/** The store calls the fetch side makes: batched duplicate reads and writes of items that join no story. */
export interface SeenItems {
  findDuplicates(items: readonly DuplicateKeys[]): Promise<(StoredItem | undefined)[]>;
  saveItems(items: readonly StoredItem[]): Promise<void>;
  updateItemText(id: string, title: string, summary: string): Promise<void>;
}

/** Story assignment by shard (`DynamoStoryShards` on AWS). */
export interface StoryShards {
  /** How many shards there are. */
  readonly shards: number;
  shardOf(print: Fingerprint): number;
  assign(shard: number, items: readonly PreparedForShard[], now: string): Promise<ShardAssignment[]>;
}

/**
 * Entries of one feed that repeat an earlier one: only the first counts. An entry with its own
 * id (a GUID) repeats only that id, as the store decides; one without repeats an id, a URL or a text.
 */
function firstOfEach(items: readonly Item[]): { unique: Item[]; repeated: number } {
  const seen = new Set<string>();
  const unique: Item[] = [];
  for (const item of items) {
    const { id, canonicalUrl, contentHash, guid } = item;
    const keys = [`id:${id}`, `hash:${contentHash}`, ...(canonicalUrl ? [`url:${canonicalUrl}`] : [])];
    if ((guid ? [`id:${id}`] : keys).some((key) => seen.has(key))) continue;
    for (const key of keys) seen.add(key);
    unique.push(item);
  }
  return { unique, repeated: items.length - unique.length };
}

/**
 * The fetch side on AWS. A feed's entries are looked up in a few batched reads before any is
 * classified, and those already stored go no further (an edited title or summary is written on
 * the item); the others are prepared, items that join no story are stored here in batched
 * writes, and only new relevant items go to the ingest queue, each in the message group of its
 * story shard.
 */
export function shardedIngestSink(deps: {
  seen: SeenItems;
  shards: Pick<StoryShards, "shardOf">;
  sender: IngestSender;
}): IngestSink {
  return async (normalised, prepare) => {
    const summary = { ...emptySummary(), skipped: normalised.skipped };
    const { unique, repeated } = firstOfEach(normalised.items);
    const existing = await deps.seen.findDuplicates(unique);
    const unseen: Item[] = [];
    const edits: Promise<void>[] = [];
    summary.duplicate = repeated;
    for (const [index, item] of unique.entries()) {
      const same = existing[index]?.item;
      if (!same) {
        unseen.push(item);
        continue;
      }
      summary.duplicate++;
      if (textEdited(same, item)) edits.push(deps.seen.updateItemText(item.id, item.title, item.summary));
    }
    const prepared = prepare(unseen);
    summary.failed = prepared.failed;
    summary.failure = prepared.failure;
    const unclustered: StoredItem[] = [];
    const messages: FifoMessage[] = [];
    for (const candidate of prepared.items) {
      summary.fresh++;
      if (!candidate.verdict.relevant) {
        unclustered.push({ item: candidate.item, verdict: candidate.verdict });
        continue;
      }
      summary.relevant++;
      const shard = deps.shards.shardOf(candidate.fingerprint);
      messages.push(encodeIngestMessage(candidate, shard));
    }
    await Promise.all([...edits, deps.seen.saveItems(unclustered), deps.sender.sendAll(messages)]);
    return summary;
  };
}

export interface IngestConsumerDeps {
  shards: StoryShards;
  /**
   * Reads a stored item's story, and the reports listed before the item, to send its event again
   * for a redelivered message.
   */
  store: Pick<Store, "getItem" | "getStory" | "placedReports" | "saveIngest">;
  clock: Clock;
  storyEvents: StoryEventSender;
  logger: Logger;
  metrics?: Pick<LambdaMetrics, "count"> | undefined;
}

interface Parsed {
  record: SqsRecord;
  prepared: PreparedItem;
}

/**
 * The story shards' consumer. The records of one message group (one shard) are assigned
 * together, in order, in one call (batched reads and writes); the groups of a batch run at
 * once. Powertools' FIFO partial processor reports the records of a group that failed, and
 * only those: the other groups' records are done. An unreadable message is logged and dropped.
 * A redelivered message whose item an earlier attempt stored sends its story event again:
 * that attempt may have failed before the send, and matching is idempotent per story version.
 */
export async function consumeIngestBatch(
  records: readonly SqsRecord[],
  deps: IngestConsumerDeps,
): Promise<SqsBatchResponse> {
  const byGroup = new Map<string, Parsed[]>();
  const done = new Map<string, Promise<void>>();
  for (const record of records) {
    try {
      const prepared = parseIngestMessage(record.body);
      const group = record.attributes?.MessageGroupId ?? "";
      byGroup.set(group, [...(byGroup.get(group) ?? []), { record, prepared }]);
    } catch (error) {
      deps.logger.error({ err: error, messageId: record.messageId }, "ingest message unreadable; dropped");
      if (!(error instanceof BadMessageError)) throw error;
      done.set(record.messageId, Promise.resolve());
    }
  }
  for (const [group, parsed] of byGroup) {
    const assigned = assignGroup(group, parsed, deps);
    // Awaited record by record below; a failure is reported there, not left unhandled.
    assigned.catch((error: unknown) =>
      deps.logger.error({ err: error, group, messages: parsed.length }, "ingest group failed"),
    );
    for (const { record } of parsed) done.set(record.messageId, assigned);
  }
  const response = await processPartialResponse(
    { Records: records as never },
    async (record: { messageId: string }) => {
      await done.get(record.messageId);
    },
    new SqsFifoPartialProcessorAsync(),
    { skipGroupOnError: true, throwOnFullBatchFailure: false },
  );
  return { batchItemFailures: response.batchItemFailures.map(({ itemIdentifier }) => ({ itemIdentifier })) };
}

async function assignGroup(group: string, parsed: readonly Parsed[], deps: IngestConsumerDeps): Promise<void> {
  const now = deps.clock.now().toISOString();
  const relevant = parsed.filter(({ prepared }) => prepared.verdict.relevant);
  // Items that join no story are stored by the fetch side; one queued by an earlier deployment is stored here.
  for (const { prepared } of parsed.filter((entry) => !entry.prepared.verdict.relevant)) {
    await deps.store.saveIngest({ stored: { item: prepared.item, verdict: prepared.verdict } });
  }
  const named = shardOfGroup(group);
  const shard = (prepared: PreparedItem) =>
    named !== undefined && named < deps.shards.shards ? named : deps.shards.shardOf(prepared.fingerprint);
  // A group from a deployment with other shards may hold several shards' items: each goes to its own.
  const byShard = new Map<number, Parsed[]>();
  for (const entry of relevant)
    byShard.set(shard(entry.prepared), [...(byShard.get(shard(entry.prepared)) ?? []), entry]);
  const events: StoryEvent[] = [];
  // Events a redelivered batch reported the first time, each with its item when it is to be read
  // as its story stands (none for one rebuilt from its story already).
  const replays = new Map<StoryEvent, string | undefined>();
  // Items whose event this batch replays already: an item in it twice comes back "already" twice.
  const replayedItems = new Set<string>();
  for (const [number, entries] of byShard) {
    const outcomes = await deps.shards.assign(
      number,
      entries.map(({ prepared }) => prepared),
      now,
    );
    for (const [index, outcome] of outcomes.entries()) {
      const record = entries[index]?.record;
      events.push(...(await eventsOf(outcome, record, deps, replays, replayedItems)));
    }
  }
  // A story founded and merged away in one batch is announced by the story it went into alone,
  // when the batch is redelivered as well.
  const sent = (
    await Promise.all(
      withoutAbsorbed(events).map(async (event) => {
        const itemId = replays.get(event);
        const replayed = replays.has(event);
        return { event: itemId === undefined ? event : await asItStands(event, itemId, deps.store), replayed };
      }),
    )
  ).flatMap(({ event, replayed }) => (event ? [{ event, replayed }] : []));
  for (let start = 0; start < sent.length; start += MAX_BATCH) {
    const batch = sent.slice(start, start + MAX_BATCH);
    await deps.storyEvents.sendBatch(batch.map(({ event }) => encodeStoryEvent(event)));
    // Replayed events that went: one left out (absorbed, or its story folded away) is none.
    const replayed = batch.filter((one) => one.replayed).length;
    if (replayed > 0) deps.metrics?.count("StoryEventsReplayed", replayed);
  }
}

/**
 * An item's story event. A redelivered item an earlier attempt stored gets the event that attempt
 * reported, kept with the item (put in `replays` with its item: its story is read as it stands
 * once the batch's events are in); an item stored before reports were kept gets its event rebuilt
 * from its story (`replayStoryEvent`, put in `replays` without). An item is replayed once a batch
 * (`replayedItems` holds the items replayed so far), however many of its copies the batch holds.
 * Replays are counted as they are sent.
 */
async function eventsOf(
  outcome: ShardAssignment,
  record: SqsRecord | undefined,
  deps: IngestConsumerDeps,
  replays: Map<StoryEvent, string | undefined>,
  replayedItems: Set<string>,
): Promise<StoryEvent[]> {
  if (outcome.outcome === "already") {
    deps.metrics?.count("ItemsDuplicate");
    if (!record || !redelivered(record) || replayedItems.has(outcome.itemId)) return [];
    replayedItems.add(outcome.itemId);
    if (outcome.reported) {
      const event = eventOf({ ...outcome.reported, itemId: outcome.itemId, version: 0 });
      if (!event) return [];
      replays.set(event, outcome.itemId);
      return [event];
    }
    const replayed = await replayStoryEvent(outcome.itemId, deps.store);
    if (!replayed) return [];
    replays.set(replayed, undefined);
    return [replayed];
  }
  deps.metrics?.count("ItemsFresh");
  const event = eventOf(outcome);
  if (event) deps.metrics?.count(event.kind === "created" ? "StoriesCreated" : "StoriesUpdated");
  return event ? [event] : [];
}

function eventOf(outcome: ShardAssignment): StoryEvent | undefined {
  if (outcome.outcome === "founded") {
    return { kind: "created", storyId: outcome.storyId, version: outcome.version, changes: [] };
  }
  const absorbed = outcome.absorbed ?? [];
  // A merge that adds nothing still speaks for the stories it absorbed (see `coalesceStoryEvents`).
  if (outcome.changes.length === 0 && absorbed.length === 0) return undefined;
  return {
    kind: "updated",
    storyId: outcome.storyId,
    version: outcome.version,
    changes: outcome.changes,
    ...(absorbed.length > 0 ? { absorbed } : {}),
  };
}

/**
 * A replayed event at its story's version now: matching is keyed by story version, so sending it
 * again alerts nobody twice. A story folded into another since (by a later batch) is reported no
 * more: the item's event is the one its report brings to the story that took it in, rebuilt from
 * that story (`replayStoryEvent`).
 */
async function asItStands(
  event: StoryEvent,
  itemId: string,
  store: Pick<Store, "getItem" | "getStory" | "placedReports">,
): Promise<StoryEvent | undefined> {
  const story = await store.getStory(event.storyId);
  if (story?.id !== event.storyId) return replayStoryEvent(itemId, store);
  return { ...event, version: story.version };
}

/** SQS counts receives; a record seen before may have been stored by an attempt that failed later. */
function redelivered(record: SqsRecord): boolean {
  return Number(record.attributes?.ApproximateReceiveCount ?? "1") > 1;
}

export const handler = instrumented((event: { Records: SqsRecord[] }, runtime) =>
  consumeIngestBatch(event.Records, {
    shards: runtime.storyShards,
    store: runtime.store,
    clock: runtime.clock,
    logger: runtime.logger,
    metrics: runtime.metrics,
    storyEvents: runtime.matchQueue(),
  }),
);
