import { cpus, loadavg } from "node:os";
import { indexKeys, MemoryStoryIndex, pickStory, type RawEntry } from "@treatywatch/core";
import type { FifoMessage, SqsRecord } from "@treatywatch/queue/sqs";
import { DynamoStore, DynamoStoryShards } from "@treatywatch/store/dynamodb";
import { type CountedClient, countedClient } from "@treatywatch/store/testing/counted-client";
import { startDynaliteProcess } from "@treatywatch/store/testing/dynalite";
import { ingestItems, type PreparedItem, prepareEntries } from "@treatywatch/worker";
import { consumeIngestBatch, shardedIngestSink } from "@treatywatch/worker/lambda/ingest";
import { enqueueDueFeeds } from "@treatywatch/worker/lambda/poll";
import { chunk, generateEntries } from "../generate.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";
import { stopwatch } from "../stopwatch.ts";

const NOW = new Date("2026-11-28T12:00:00.000Z");
/** The latency injected before every DynamoDB call: a round trip to the real service from Lambda. */
const LATENCY_MS = 10;
const ENTRIES_PER_FEED = 25;
/** As the worker stack deploys them: fetch invocations at once, story shards, items a FIFO batch. */
const FETCH_CONCURRENCY = 20;
const SHARDS = 4;
const FIFO_BATCH = 10;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const clock = { now: () => NOW };

interface Feed {
  id: string;
  items: PreparedItem[];
}

function feedsOf(entries: readonly RawEntry[]): Feed[] {
  return chunk(entries, ENTRIES_PER_FEED).map((feedEntries, index) => {
    const id = `fd_${index}`;
    const feedUrl = `https://news.example.org/feeds/${index}.xml`;
    return { id, items: prepareEntries(feedEntries, { feedId: id, feedUrl }, NOW.toISOString()).items };
  });
}

async function inParallel<T>(
  values: readonly T[],
  concurrency: number,
  run: (value: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < values.length; index = next++) await run(values[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, values.length) }, worker));
}

/** What a phase's calls read and wrote: records, and the request units DynamoDB bills for them. */
interface Records {
  read: number;
  written: number;
  /** Read request units (a strongly consistent read of up to 4 KB is one, an eventually consistent one half). */
  readUnits: number;
  /** Write request units: a record of up to 1 KB is one, on the table and again on each index it carries keys for. */
  writeUnits: number;
  /** Of the records written, the story index's (one a key and shard). */
  indexWritten: number;
}

/** Wall time, the emulator's CPU time, this process's CPU time and DynamoDB calls of one phase. */
interface Phase extends Records {
  ms: number;
  emulatorMs: number;
  clientMs: number;
  calls: number;
}

const READS = new Set(["GetItemCommand", "BatchGetItemCommand", "QueryCommand", "ScanCommand"]);
const WRITES = new Set(["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand", "BatchWriteItemCommand"]);
/** The table's index key attributes: a record carrying one is written again to that index. */
const INDEX_KEYS = ["gsi1pk", "gsi2pk", "gsi3pk"];

/** A record's size as DynamoDB counts it: attribute names plus values (UTF-8 strings, bytes, about half a byte a digit). */
function recordSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return Math.ceil(String(Math.abs(value)).replace(/[.e+-]/g, "").length / 2) + 1;
  if (typeof value === "boolean" || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + recordSize(element), 0);
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + recordSize(element), 3);
  return Object.entries(value as Record<string, unknown>).reduce(
    (sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + recordSize(element),
    3,
  );
}

/** Whether a record written is a story index record (`SIDX#<key>`), its key read as sent, marshalled or not. */
function isIndexRecord(record: Record<string, unknown> | undefined): boolean {
  const pk = record?.pk as string | { S?: string } | undefined;
  return (typeof pk === "string" ? pk : (pk?.S ?? "")).startsWith("SIDX#");
}

/** The index writes a written record costs beyond the table's, which the emulator does not report. */
function indexWriteUnits(record: Record<string, unknown> | undefined): number {
  if (!record) return 0;
  const carried = INDEX_KEYS.filter((key) => record[key] !== undefined).length;
  if (carried === 0) return 0;
  const size = recordSize(record);
  return carried * Math.max(1, Math.ceil(size / 1024));
}

/**
 * Counts the records a client's calls ask to read and to write, and the request units they
 * consume: the table's as the emulator reports them (`ReturnConsumedCapacity`), the indexes'
 * from the size of each record written whole.
 */
function countRecords(counted: CountedClient): Records {
  const records = { read: 0, written: 0, readUnits: 0, writeUnits: 0, indexWritten: 0 };
  counted.client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "";
      const input = args.input as {
        RequestItems?: Record<
          string,
          { Keys?: unknown[] } | Array<{ PutRequest?: { Item?: Record<string, unknown> } }>
        >;
        Item?: Record<string, unknown>;
        ReturnConsumedCapacity?: string;
      };
      for (const request of Object.values(input.RequestItems ?? {})) {
        if (Array.isArray(request)) {
          records.written += request.length;
          for (const write of request) {
            records.writeUnits += indexWriteUnits(write.PutRequest?.Item);
            if (isIndexRecord(write.PutRequest?.Item)) records.indexWritten++;
          }
        } else records.read += request.Keys?.length ?? 0;
      }
      if (name === "PutItemCommand") {
        records.written++;
        records.writeUnits += indexWriteUnits(input.Item);
      }
      if (name === "GetItemCommand") records.read++;
      const reading = READS.has(name);
      if (reading || WRITES.has(name)) input.ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }
      ).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      if (reading) records.readUnits += units;
      else records.writeUnits += units;
      return result;
    },
    { step: "initialize", name: "countRecords" },
  );
  return records;
}

interface PathResult {
  fresh: number;
  ms: number;
  /** For the sharded path: the fetch side, and the story shards' consumers. */
  phases?: { fetch: Phase; assign: Phase & { items: number } };
  calls: number;
  stories: number;
}

/** Starts measuring a phase; the function it returns ends it. */
function phase(counted: CountedClient, records: Records, emulatorCpu: () => Promise<number>) {
  const elapsed = stopwatch();
  const started = {
    calls: counted.total(),
    emulator: emulatorCpu(),
    ...records,
  };
  return async (): Promise<Phase> => {
    const { ms, cpuMs } = elapsed();
    return {
      ms,
      emulatorMs: (await emulatorCpu()) - (await started.emulator),
      clientMs: cpuMs,
      calls: counted.total() - started.calls,
      read: records.read - started.read,
      written: records.written - started.written,
      readUnits: records.readUnits - started.readUnits,
      writeUnits: records.writeUnits - started.writeUnits,
      indexWritten: records.indexWritten - started.indexWritten,
    };
  };
}

/**
 * The sharded path as deployed: fetch invocations (20 at once) drop what is stored and store what
 * joins no story, in batched calls, and queue new relevant items in their shard's message group;
 * then each shard's consumer takes its group ten at a time, the shards at once.
 */
async function shardedPath(
  counted: CountedClient,
  tableName: string,
  feeds: readonly Feed[],
  emulatorCpu: () => Promise<number>,
): Promise<PathResult> {
  const store = new DynamoStore({ client: counted.client, tableName });
  const shards = new DynamoStoryShards({ client: counted.client, tableName, shards: SHARDS });
  const groups = new Map<string, FifoMessage[]>();
  const sink = shardedIngestSink({
    seen: store,
    shards,
    sender: {
      async sendAll(messages) {
        for (const message of messages) {
          const group = message.groupId ?? "";
          groups.set(group, [...(groups.get(group) ?? []), message]);
        }
      },
    },
  });
  let fresh = 0;
  counted.reset();
  const start = performance.now();
  const records = countRecords(counted);
  const fetching = phase(counted, records, emulatorCpu);
  await inParallel(feeds, FETCH_CONCURRENCY, async (feed) => {
    // Prepared before the clock started, as the fetch side's CPU is not what this path measures.
    const prepared = new Map(feed.items.map((item) => [item.item, item]));
    const summary = await sink({ items: [...prepared.keys()], skipped: 0, failed: 0 }, (unseen) => ({
      items: unseen.flatMap((item) => prepared.get(item) ?? []),
      skipped: 0,
      failed: 0,
    }));
    fresh += summary.fresh;
  });
  const fetch = await fetching();
  const assigning = phase(counted, records, emulatorCpu);
  await Promise.all(
    [...groups].map(async ([group, messages]) => {
      for (const batch of chunk(messages, FIFO_BATCH)) {
        const records: SqsRecord[] = batch.map((message, index) => ({
          messageId: `${group}-${index}-${message.deduplicationId}`,
          body: message.body,
          attributes: { MessageGroupId: group },
        }));
        const response = await consumeIngestBatch(records, {
          shards,
          store,
          clock,
          logger: silent,
          storyEvents: { sendBatch: async (bodies) => bodies.map(() => "") },
        });
        if (response.batchItemFailures.length > 0) throw new Error(`${group}: a batch failed`);
      }
    }),
  );
  const ms = performance.now() - start;
  const assign = { ...(await assigning()), items: [...groups.values()].reduce((sum, group) => sum + group.length, 0) };
  const calls = counted.total();
  const stories = await countStories(store);
  return { fresh, ms, phases: { fetch, assign }, calls, stories };
}

/** Today's single writer: every entry through one message group, assigned one at a time. */
async function singleWriterPath(
  counted: CountedClient,
  tableName: string,
  items: readonly PreparedItem[],
): Promise<PathResult> {
  const store = new DynamoStore({ client: counted.client, tableName });
  counted.reset();
  let fresh = 0;
  const start = performance.now();
  for (const prepared of items) {
    const summary = await ingestItems([prepared], { store, clock });
    fresh += summary.fresh;
  }
  const ms = performance.now() - start;
  return { fresh, ms, calls: counted.total(), stories: await countStories(store) };
}

/** How the sharded path's stories compare with one writer's, item pair by item pair. */
interface Agreement {
  /** Of the pairs of items the shards put in one story, the share one writer also did; and the converse. */
  precision: number;
  recall: number;
  referenceStories: number;
}

/**
 * Checks that the sharded path lost nothing: every relevant item is stored, assigned to a story,
 * and that story is stored. Throws on the first item that is not. Returns how its stories agree
 * with one writer's over the same items in the same order (core's `MemoryStoryIndex` and
 * `pickStory`, as every store assigns, a report that belongs to two stories folding them): the
 * shards see the items in another interleaving, so a story may split or merge where one
 * writer's order would have decided otherwise.
 */
async function checkAssignment(store: DynamoStore, relevant: readonly PreparedItem[]): Promise<Agreement> {
  const storyOfItem = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await store.listItems({ limit: 100, relevant: true, cursor });
    for (const { item, storyId } of page.data) if (storyId) storyOfItem.set(item.id, storyId);
    cursor = page.nextCursor;
  } while (cursor);
  const stories = new Set<string>();
  cursor = undefined;
  do {
    const page = await store.listStories({ limit: 100, cursor });
    for (const story of page.data) stories.add(story.id);
    cursor = page.nextCursor;
  } while (cursor);
  for (const { item } of relevant) {
    const storyId = storyOfItem.get(item.id);
    if (!storyId) throw new Error(`aws-ingest: item ${item.id} was not stored with a story`);
    if (!stories.has(storyId)) throw new Error(`aws-ingest: item ${item.id} names story ${storyId}, not stored`);
  }
  // One writer folds the stories an item also belongs to into the one it joins, as `BatchClassifier` does.
  const index = new MemoryStoryIndex();
  const referenceOf = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const { item, fingerprint } of relevant) {
    const { storyId, absorbed } = index.place(
      fingerprint,
      pickStory(fingerprint, index.candidates(fingerprint)),
      item.id,
    );
    referenceOf.set(item.id, storyId);
    for (const id of absorbed) folded.set(id, storyId);
  }
  const storyNow = (storyId: string) => {
    let current = storyId;
    for (let next = folded.get(current); next !== undefined; next = folded.get(current)) current = next;
    return current;
  };
  const pairs = (groups: Iterable<number>) => [...groups].reduce((sum, size) => sum + (size * (size - 1)) / 2, 0);
  const sizes = (of: (id: string) => string) => {
    const counts = new Map<string, number>();
    for (const { item } of relevant) counts.set(of(item.id), (counts.get(of(item.id)) ?? 0) + 1);
    return counts.values();
  };
  const sharded = (id: string) => storyOfItem.get(id) ?? id;
  const reference = (id: string) => storyNow(referenceOf.get(id) ?? id);
  const both = pairs(sizes((id) => `${sharded(id)} ${reference(id)}`));
  return {
    precision: both / Math.max(1, pairs(sizes(sharded))),
    recall: both / Math.max(1, pairs(sizes(reference))),
    referenceStories: new Set([...referenceOf.values()].map(storyNow)).size,
  };
}

async function countStories(store: DynamoStore): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listStories({ limit: 100, cursor });
    count += page.data.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

/** One poll tick over `count` due feeds: every due feed read page by page, leased and queued. */
async function pollTick(counted: CountedClient, tableName: string, count: number, log: (line: string) => void) {
  const seeding = new DynamoStore({ client: counted.client, tableName });
  const past = new Date(NOW.getTime() - 3_600_000).toISOString();
  await inParallel(
    Array.from({ length: count }, (_, index) => index),
    64,
    async (index) => {
      await seeding.addFeed(`https://f${index}.feeds.example/rss`, past);
    },
  );
  log(`aws-ingest: ${num(count)} feeds seeded`);
  let sent = 0;
  counted.reset();
  const start = performance.now();
  const tick = await enqueueDueFeeds(
    {
      store: new DynamoStore({ client: counted.client, tableName }),
      fetchQueue: {
        async sendBatch(bodies: readonly string[]) {
          sent += bodies.length;
          await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
          return bodies.map(() => "");
        },
      } as never,
      clock,
      logger: silent,
    },
    count,
  );
  return { enqueued: tick.enqueued, sent, ms: performance.now() - start, calls: counted.total() };
}

export const awsIngest: Bench = {
  name: "aws-ingest",
  async run({ quick, log }): Promise<Row[]> {
    const entries = generateEntries(quick ? 1_500 : 6_000, { seed: 3, end: NOW, perDay: 2_000 });
    const feeds = feedsOf(entries);
    const relevant = feeds.flatMap((feed) => feed.items).filter((prepared) => prepared.verdict.relevant);
    const dynamo = await startDynaliteProcess();
    const counted = countedClient(dynamo.endpoint, LATENCY_MS);
    try {
      const single = await singleWriterPath(counted, await dynamo.freshTable(), relevant.slice(0, quick ? 60 : 200));
      log(`aws-ingest: single writer ${num(single.fresh)} items in ${num(single.ms)} ms, ${num(single.calls)} calls`);
      const shardedTable = await dynamo.freshTable();
      const sharded = await shardedPath(counted, shardedTable, feeds, dynamo.cpuSoFar);
      const shardedLoad = loadavg()[0] ?? 0;
      const agreement = await checkAssignment(
        new DynamoStore({ client: dynamo.client, tableName: shardedTable }),
        relevant,
      );
      log(
        `aws-ingest: every relevant item stored with its story; against one writer's stories (${num(agreement.referenceStories)}), ` +
          `pairs together ${num(agreement.precision * 100, 1)}% also there, ${num(agreement.recall * 100, 1)}% of its pairs kept`,
      );
      const fetchPhase = sharded.phases?.fetch;
      const assignPhase = sharded.phases?.assign;
      if (!fetchPhase || !assignPhase) throw new Error("the sharded path reports its phases");
      const describe = (name: string, measured: Phase) =>
        `${name} ${num(measured.ms / 1000, 1)} s wall, ${num(measured.calls)} calls, emulator ${num(measured.emulatorMs / 1000, 1)} s CPU, ` +
        `caller ${num(measured.clientMs / 1000, 1)} s CPU`;
      log(
        `aws-ingest: sharded ${num(sharded.fresh)} items (${num(relevant.length)} relevant) in ${num(sharded.ms)} ms, ` +
          `${num(sharded.calls)} calls, ${num(sharded.stories)} stories; ${describe("fetch side", fetchPhase)}; ` +
          `${describe("story shards", assignPhase)}`,
      );
      const tickFeeds = quick ? 5_000 : 100_000;
      const tick = await pollTick(counted, await dynamo.freshTable(), tickFeeds, log);
      log(
        `aws-ingest: tick over ${num(tickFeeds)} feeds: ${num(tick.enqueued)} leased in ${num(tick.ms)} ms, ${num(tick.calls)} calls`,
      );
      const emulatorCpuMs = await dynamo.cpuMs();
      const load = loadavg()[0] ?? 0;
      log(`aws-ingest: the emulator used ${num(emulatorCpuMs)} ms of CPU; load average ${num(load, 1)}`);
      const rate = (result: PathResult) => (result.fresh / result.ms) * 1000;
      const speedup = rate(sharded) / rate(single);
      const perItem = (result: PathResult) => result.calls / result.fresh;
      const perCall = (measured: Phase) => measured.emulatorMs / Math.max(1, measured.calls);
      const perAssigned = (ms: number) => ms / Math.max(1, assignPhase.items);
      const keysPerItem =
        relevant.reduce((sum, prepared) => sum + indexKeys(prepared.fingerprint).length, 0) /
        Math.max(1, relevant.length);
      return [
        {
          name: "aws-ingest",
          measured: `${num(rate(sharded))} fresh items/s, ${num(perItem(sharded), 1)} calls/item`,
          baseline: `single writer ${num(rate(single), 1)} items/s, ${num(perItem(single), 1)} calls/item`,
          ratio: ratio(speedup),
          target: "≥ 10x, ≥ 300 items/s",
          pass: speedup >= 10 && rate(sharded) >= 300,
          note:
            `${num(entries.length)} generated entries (${num(relevant.length)} relevant; 2,000 a day, events reported by one to four ` +
            `outlets) in feeds of ${ENTRIES_PER_FEED}, none stored before, against dynalite in a process of its own with ` +
            `${LATENCY_MS} ms added before every DynamoDB call. Measured is the AWS path as deployed: fetch-side \`shardedIngestSink\` ` +
            `(${FETCH_CONCURRENCY} feeds at once: batched duplicate reads, items that join no story stored in batched writes, ` +
            `new relevant items queued by story shard), then \`consumeIngestBatch\` for each of the ${SHARDS} shards' message groups ` +
            `at once, ${FIFO_BATCH} messages a batch, from the first fetch to the last assignment; it founded ${num(sharded.stories)} stories. ` +
            `The baseline is the single writer it replaces: the worker's \`ingestItems\` on the DynamoDB store one item at a time ` +
            `(the first ${num(single.fresh)} relevant items). Calls are DynamoDB requests per fresh item, counted on the client. ` +
            `Checked after the run: every relevant item is stored with a story, and its story is stored (else the benchmark fails); ` +
            `against one writer's stories over the same items in feed order (core's \`MemoryStoryIndex\` and \`pickStory\`, ` +
            `stories a report belongs to both of folded into one, ` +
            `${num(agreement.referenceStories)} stories), ${num(agreement.precision * 100, 1)}% of the item pairs the shards put in one ` +
            `story are in one there too, and ${num(agreement.recall * 100, 1)}% of its pairs are kept (the shards see the items in ` +
            `another interleaving, compare a story's eight latest members where that index keeps its first, and look back over a ` +
            `72-hour window). ` +
            `Where the time went: the fetch side took ${num(fetchPhase.ms / 1000, 1)} s (${num(fetchPhase.calls)} calls, ` +
            `${num(fetchPhase.readUnits / entries.length, 2)} read and ${num(fetchPhase.writeUnits / entries.length, 2)} write request ` +
            `units an entry, the emulator ` +
            `${num(fetchPhase.emulatorMs / 1000, 1)} s of CPU, ${num(perCall(fetchPhase), 2)} ms a call); the story shards took ` +
            `${num(assignPhase.ms / 1000, 1)} s for ${num(assignPhase.items)} items (${num(assignPhase.calls / Math.max(1, assignPhase.items), 2)} calls, ` +
            `${num(perAssigned(assignPhase.read), 1)} records read and ${num(perAssigned(assignPhase.written), 1)} written an item, ` +
            `${num(perAssigned(assignPhase.readUnits), 1)} read and ${num(perAssigned(assignPhase.writeUnits), 1)} write request units; ` +
            `the emulator ${num(assignPhase.emulatorMs / 1000, 1)} s of CPU, ${num(perCall(assignPhase), 2)} ms a call and ` +
            `${num(perAssigned(assignPhase.emulatorMs), 2)} ms an item; the benchmark's own process, which runs every consumer and the ` +
            `SDK, ${num(assignPhase.clientMs / 1000, 1)} s, ${num(perAssigned(assignPhase.clientMs), 2)} ms an item). ` +
            `Every story shard works at once, and one function instance runs each shard's batches one after another, so each ` +
            `shard is warm: it takes other shards' new index records from their claims and reads again only what it cannot account ` +
            `for. What is left is the batches' own reads and writes: ten items' index records (an item has ` +
            `${num(keysPerItem, 1)} keys, ${num(perAssigned(assignPhase.indexWritten), 1)} index records written an item), ` +
            `items (each with the outcome a redelivery reports again) and their markers, and each story joined written on its ` +
            `own, conditionally; about ` +
            `${num(perAssigned(assignPhase.emulatorMs + assignPhase.clientMs), 1)} ms of CPU an item between emulator and caller against ` +
            `the ${num((cpus().length * 1000) / 300, 1)} ms that 300 items/s would leave on ${cpus().length} cores with nothing else running. ` +
            `The emulator used ${num(emulatorCpuMs / 1000, 1)} s of CPU over the whole run; the machine (${cpus().length} cores) had a ` +
            `load average of ${num(shardedLoad, 1)} as the story shards finished and ${num(load, 1)} at the run's end (every figure ` +
            `here shares the machine's cores with whatever else runs).`,
        },
        {
          name: "aws-ingest tick",
          measured: `${num(tick.ms / 1000, 1)} s for ${num(tick.enqueued)} feeds`,
          baseline: `${num(tick.calls)} DynamoDB calls`,
          ratio: "—",
          target: "reported",
          pass: undefined,
          note:
            `one poll tick (\`enqueueDueFeeds\`, the poll function's handler) over ${num(tickFeeds)} due feeds on the same emulator ` +
            `and latency: \`dueFeeds\` pages through every due feed, each is leased by a conditional write (32 at once), and ` +
            `all are sent as fetch messages, 10 a SendMessageBatch, 16 at once, each send also waiting ${LATENCY_MS} ms.`,
        },
      ];
    } finally {
      counted.client.destroy();
      await dynamo.stop();
    }
  },
};
