import type { Clock, RawEntry, Store } from "@treatywatch/core";
import type { FifoMessage, SqsRecord } from "@treatywatch/queue/sqs";
import { SqliteStore } from "@treatywatch/store";
import { DynamoStore } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FeedContext, ingestItems, type PreparedItem, prepareEntries } from "../ingest.ts";
import { createSerializer } from "../serial.ts";
import { consumeIngestBatch, queueIngestSink } from "./ingest.ts";
import { parseStoryEvent } from "./messages.ts";

const NOW = new Date("2025-06-30T12:00:00.000Z");
const clock: Clock = { now: () => NOW };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Two outlets' first reports of one event: two copies of one story. */
const COPIES: Array<[FeedContext, RawEntry]> = [
  [
    { feedId: "fd_wire", feedUrl: "https://wire.example/feed.xml", feedTitle: "Wire" },
    {
      guid: "w-1",
      title: "Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines",
      link: "https://wire.example/ukraine-ottawa",
      summary: "Kyiv says Russian use of landmines left it no choice but to leave the mine ban treaty.",
      published: "2025-06-29T10:00:00.000Z",
    },
  ],
  [
    { feedId: "fd_other", feedUrl: "https://other.example/rss", feedTitle: "Other Outlet" },
    {
      guid: "o-1",
      title: "Ukraine quits Ottawa Convention landmine treaty, citing Russian mines",
      link: "https://other.example/news/ukraine-landmine-treaty",
      summary: "Ukraine leaves the treaty banning anti-personnel mines, pointing to Russia's use of them.",
      published: "2025-06-29T14:30:00.000Z",
    },
  ],
];

function prepared(index: number): PreparedItem[] {
  const [feed, entry] = COPIES[index] ?? [];
  if (!feed || !entry) throw new Error(`no copy ${index}`);
  return prepareEntries([entry], feed, NOW.toISOString()).items;
}

/** The ingest FIFO queue's one message group as the consumer sees it: in order, duplicates dropped. */
function fifoGroup() {
  const seen = new Set<string>();
  const messages: FifoMessage[] = [];
  return {
    messages,
    async sendAll(batch: readonly FifoMessage[]) {
      for (const message of batch) {
        if (seen.has(message.deduplicationId)) continue;
        seen.add(message.deduplicationId);
        messages.push(message);
      }
    },
    records(): SqsRecord[] {
      return messages.map((message, index) => ({ messageId: `m-${index}`, body: message.body }));
    },
  };
}

function matchQueue() {
  const bodies: string[] = [];
  return {
    bodies,
    async sendBatch(batch: readonly string[]) {
      bodies.push(...batch);
      return batch.map((_, index) => `s-${index}`);
    },
  };
}

async function stories(store: Store) {
  return (await store.listStories({ limit: 10 })).data;
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const adapters: Array<[string, () => Promise<Store>]> = [
  ["sqlite", async () => new SqliteStore(":memory:")],
  ["dynamodb (dynalite)", async () => new DynamoStore({ client: dynamo.client, tableName: await dynamo.freshTable() })],
];

describe.each(adapters)("two copies of one story ingested at once (%s)", (_name, createStore) => {
  it("found one story through the ingest queue's single writer, fetched in parallel", async () => {
    const store = await createStore();
    const queue = fifoGroup();
    const sink = queueIngestSink(queue);
    const events = matchQueue();
    const counted = new Map<string, number>();
    const metrics = { count: (name: string, value = 1) => counted.set(name, (counted.get(name) ?? 0) + value) };

    await Promise.all([0, 1].map((index) => sink({ items: prepared(index), skipped: 0, failed: 0 })));
    const response = await consumeIngestBatch(queue.records(), {
      store,
      clock,
      logger: silent,
      metrics,
      storyEvents: events,
    });

    expect(response.batchItemFailures).toEqual([]);
    const [story, ...others] = await stories(store);
    expect(others).toEqual([]);
    expect(story?.sources).toHaveLength(2);
    expect(events.bodies.map((body) => parseStoryEvent(body).kind)).toEqual(["created", "updated"]);
    expect(new Set(events.bodies.map((body) => parseStoryEvent(body).storyId))).toEqual(new Set([story?.id]));
    expect(Object.fromEntries(counted)).toEqual({ ItemsFresh: 2, StoriesCreated: 1, StoriesUpdated: 1 });
  });

  it("found one story through the in-process serializer", async () => {
    const store = await createStore();
    const serialize = createSerializer();

    await Promise.all([0, 1].map((index) => serialize(() => ingestItems(prepared(index), { store, clock }))));

    const found = await stories(store);
    expect(found).toHaveLength(1);
    expect(found[0]?.sources).toHaveLength(2);
  });

  it("ingests a copy delivered twice (a refetch, or SQS at least once) only once", async () => {
    const store = await createStore();
    const queue = fifoGroup();
    const events = matchQueue();
    await queueIngestSink(queue)({ items: prepared(0), skipped: 0, failed: 0 });
    const record = queue.records();

    await consumeIngestBatch(record, { store, clock, logger: silent, storyEvents: events });
    await consumeIngestBatch(record, { store, clock, logger: silent, storyEvents: events });

    expect((await stories(store))[0]?.sources).toHaveLength(1);
    expect(events.bodies).toHaveLength(1);
  });
});

describe("story assignment without a single writer", () => {
  it("lets two copies racing each other found two stories, which is why it has one", async () => {
    const store = new SqliteStore(":memory:");

    await Promise.all([0, 1].map((index) => ingestItems(prepared(index), { store, clock })));

    expect(await stories(store)).toHaveLength(2);
  });
});

describe("consumeIngestBatch", () => {
  it("drops an unreadable message and goes on; a store failure stops the batch for SQS to retry in order", async () => {
    const store = new SqliteStore(":memory:");
    const queue = fifoGroup();
    await queueIngestSink(queue)({ items: [...prepared(0), ...prepared(1)], skipped: 0, failed: 0 });
    const [first, second] = queue.records();
    if (!first || !second) throw new Error("two records expected");
    const garbled = { messageId: "m-garbled", body: "{not json" };

    const kept = await consumeIngestBatch([garbled, first], {
      store,
      clock,
      logger: silent,
      storyEvents: matchQueue(),
    });
    await store.close();
    const failed = await consumeIngestBatch([second, garbled], {
      store,
      clock,
      logger: silent,
      storyEvents: matchQueue(),
    });

    expect(kept.batchItemFailures).toEqual([]);
    expect(failed.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([second.messageId, "m-garbled"]);
  });
});
