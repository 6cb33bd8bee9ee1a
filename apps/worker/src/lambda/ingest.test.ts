import type { Clock, Item, RawEntry, Store } from "@treatywatch/core";
import type { FifoMessage, SqsRecord } from "@treatywatch/queue/sqs";
import { SqliteStore } from "@treatywatch/store";
import { DynamoStore, DynamoStoryShards, storyShard } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestSink } from "../fetch-feed.ts";
import { type FeedContext, ingestItems, type PreparedItem } from "../ingest.ts";
import { prepareEntries } from "../prepare.ts";
import { createSerializer } from "../serial.ts";
import { consumeIngestBatch, shardedIngestSink } from "./ingest.ts";
import { encodeIngestMessage, parseIngestMessage, parseStoryEvent } from "./messages.ts";

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

/** The ingest FIFO queue as the consumer sees it: duplicates dropped, each record with its message group. */
function fifoQueue() {
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
      return messages.map((message, index) => ({
        messageId: `m-${index}`,
        body: message.body,
        attributes: { MessageGroupId: message.groupId },
      }));
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

/**
 * Hands a sink prepared items as the fetch stage hands it a feed's entries: made items, each
 * prepared (as given) only when the sink asks; `asked` collects the items it asked for.
 */
function handOver(sink: IngestSink, asked: Item[] = []) {
  return (items: readonly PreparedItem[], skipped = 0) => {
    const byItem = new Map(items.map((prepared) => [prepared.item, prepared]));
    return sink({ items: items.map(({ item }) => item), skipped, failed: 0 }, (unseen) => {
      asked.push(...unseen);
      return { items: unseen.flatMap((item) => byItem.get(item) ?? []), skipped: 0, failed: 0 };
    });
  };
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

async function onDynamo(shards = 4) {
  const tableName = await dynamo.freshTable();
  const store = new DynamoStore({ client: dynamo.client, tableName });
  const storyShards = new DynamoStoryShards({ client: dynamo.client, tableName, shards, pollMs: 5 });
  return {
    store,
    storyShards,
    sink: (queue: ReturnType<typeof fifoQueue>, asked?: Item[]) =>
      handOver(shardedIngestSink({ seen: store, shards: storyShards, sender: queue }), asked),
  };
}

describe("two copies of one story ingested at once", () => {
  it("found one story through the story shards, fetched in parallel", async () => {
    const { store, storyShards, sink } = await onDynamo();
    const queue = fifoQueue();
    const events = matchQueue();
    const counted = new Map<string, number>();
    const metrics = { count: (name: string, value = 1) => counted.set(name, (counted.get(name) ?? 0) + value) };

    await Promise.all([0, 1].map((index) => sink(queue)(prepared(index))));
    const response = await consumeIngestBatch(queue.records(), {
      shards: storyShards,
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
    expect(events.bodies.map((body) => parseStoryEvent(body).kind).sort()).toEqual(["created", "updated"]);
    expect(new Set(events.bodies.map((body) => parseStoryEvent(body).storyId))).toEqual(new Set([story?.id]));
    expect(Object.fromEntries(counted)).toEqual({ ItemsFresh: 2, StoriesCreated: 1, StoriesUpdated: 1 });
  });

  it("found one story through the in-process serializer", async () => {
    const store = new SqliteStore(":memory:");
    const serialize = createSerializer();

    await Promise.all([0, 1].map((index) => serialize(() => ingestItems(prepared(index), { store, clock }))));

    const found = await stories(store);
    expect(found).toHaveLength(1);
    expect(found[0]?.sources).toHaveLength(2);
  });

  it("drops a copy fetched again before it reaches the queue, and ingests one delivered twice once", async () => {
    const { store, storyShards, sink } = await onDynamo();
    const queue = fifoQueue();
    const events = matchQueue();
    await sink(queue)(prepared(0));
    const record = queue.records();
    const deps = { shards: storyShards, store, clock, logger: silent, storyEvents: events };

    await consumeIngestBatch(record, deps);
    await consumeIngestBatch(record, deps);
    const refetched = await sink(queue)(prepared(0));

    expect(refetched).toMatchObject({ fresh: 0, duplicate: 1 });
    expect(queue.messages).toHaveLength(1);
    expect((await stories(store))[0]?.sources).toHaveLength(1);
    expect(events.bodies).toHaveLength(1);
  });
});

describe("story assignment without a single writer or shards", () => {
  it("lets two copies racing each other found two stories, which is why claims decide where shards meet", async () => {
    const store = new SqliteStore(":memory:");

    await Promise.all([0, 1].map((index) => ingestItems(prepared(index), { store, clock })));

    expect(await stories(store)).toHaveLength(2);
  });
});

describe("shardedIngestSink", () => {
  it("stores items that join no story itself, and queues only new relevant items, each in its shard's group", async () => {
    const { store, storyShards, sink } = await onDynamo();
    const queue = fifoQueue();
    const lookalike = prepareEntries(
      [{ guid: "s-1", title: "Senators beat Maple Leafs in Ottawa thriller", link: "https://sport.example/1" }],
      { feedId: "fd_sport", feedUrl: "https://sport.example/feed" },
      NOW.toISOString(),
    ).items;

    const summary = await sink(queue)([...prepared(0), ...lookalike, ...prepared(0)], 1);

    expect(summary).toMatchObject({ fresh: 2, duplicate: 1, relevant: 1, skipped: 1 });
    expect(queue.messages.map((message) => parseIngestMessage(message.body).item.guid)).toEqual(["w-1"]);
    const [relevant] = prepared(0);
    if (!relevant) throw new Error("a prepared item expected");
    expect(queue.messages[0]?.groupId).toBe(`shard-${storyShards.shardOf(relevant.fingerprint)}`);
    expect((await store.getItem(lookalike[0]?.item.id ?? ""))?.verdict.relevant).toBe(false);
  });

  it("routes and assigns each item by the fingerprint the fetch stage made, reading no text again", async () => {
    const { store, storyShards, sink } = await onDynamo();
    const queue = fifoQueue();
    const [wire] = prepared(0);
    const [copy] = prepared(1);
    const [elsewhere] = unrelatedReport();
    if (!wire || !copy || !elsewhere) throw new Error("prepared items expected");
    // The second outlet's copy of the wire's report, carrying an unrelated report's fingerprint.
    const misprinted = { ...copy, fingerprint: elsewhere.fingerprint };

    await sink(queue)([wire, misprinted]);
    await consumeIngestBatch(queue.records(), {
      shards: storyShards,
      store,
      clock,
      logger: silent,
      storyEvents: matchQueue(),
    });

    expect(queue.messages.map((message) => message.groupId)).toEqual([
      `shard-${storyShards.shardOf(wire.fingerprint)}`,
      `shard-${storyShards.shardOf(elsewhere.fingerprint)}`,
    ]);
    expect(parseIngestMessage(queue.messages[1]?.body ?? "").fingerprint).toEqual(elsewhere.fingerprint);
    // Read again from its text, the copy would have joined the wire's story.
    expect((await stories(store)).map((story) => story.sources.length)).toEqual([1, 1]);
  });

  it("writes an edited title onto the stored item, reads none of its text again and queues nothing", async () => {
    const { store, storyShards, sink } = await onDynamo();
    const queue = fifoQueue();
    await sink(queue)(prepared(0));
    await consumeIngestBatch(queue.records(), {
      shards: storyShards,
      store,
      clock,
      logger: silent,
      storyEvents: matchQueue(),
    });
    const [original] = prepared(0);
    if (!original) throw new Error("a prepared item expected");
    const before = await store.getItem(original.item.id);
    const edited = { ...original, item: { ...original.item, title: `${original.item.title} (updated)` } };
    const [elsewhere] = unrelatedReport();
    if (!elsewhere) throw new Error("a prepared item expected");
    const asked: Item[] = [];

    const summary = await sink(queue, asked)([edited, elsewhere]);

    expect(summary).toMatchObject({ fresh: 1, duplicate: 1 });
    expect(asked).toEqual([elsewhere.item]);
    expect(queue.messages).toHaveLength(2);
    const after = await store.getItem(original.item.id);
    expect(after).toEqual({ ...before, item: { ...before?.item, title: edited.item.title } });
  });
});

describe("consumeIngestBatch", () => {
  it("drops an unreadable message; a failing shard fails only its own group's records, through Powertools", async () => {
    const { store, storyShards, sink } = await onDynamo();
    const queue = fifoQueue();
    await sink(queue)([...prepared(0), ...unrelatedReport()]);
    const records = queue.records();
    const groups = new Set(records.map((record) => record.attributes?.MessageGroupId));
    expect(groups.size).toBe(2);
    const failingGroup = records[0]?.attributes?.MessageGroupId;
    const failingShard = Number(failingGroup?.slice("shard-".length));
    const shards = {
      shards: storyShards.shards,
      shardOf: storyShards.shardOf.bind(storyShards),
      assign: (shard: number, items: Parameters<typeof storyShards.assign>[1], now: string) =>
        shard === failingShard ? Promise.reject(new Error("table unavailable")) : storyShards.assign(shard, items, now),
    };
    const garbled = { messageId: "m-garbled", body: "{not json", attributes: { MessageGroupId: "shard-0" } };

    const response = await consumeIngestBatch([garbled, ...records], {
      shards,
      store,
      clock,
      logger: silent,
      storyEvents: matchQueue(),
    });

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.filter((record) => record.attributes?.MessageGroupId === failingGroup).map((record) => record.messageId),
    );
    expect(await stories(store)).toHaveLength(1);
  });

  it("sends the event of the story it was folded into for a redelivered item whose story was folded since", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 });
    const [english, ukrainian, bridge] = bridgingReports();
    const deps = { shards, store, clock, logger: silent };
    const sent = matchQueue();
    for (const item of [english, ukrainian, bridge]) {
      await consumeIngestBatch([ingestRecord(item, 1)], { ...deps, storyEvents: sent });
    }
    const [first, second, merged] = sent.bodies.map(parseStoryEvent);
    expect([first?.kind, second?.kind, merged?.kind]).toEqual(["created", "created", "updated"]);
    // Founded at one moment, the story of the smaller id is kept; the other's item is redelivered.
    const survivor = merged?.storyId;
    expect([first?.storyId, second?.storyId]).toContain(survivor);
    const absorbedItem = first?.storyId === survivor ? ukrainian : english;

    const replay = matchQueue();
    await consumeIngestBatch([ingestRecord(absorbedItem, 2)], { ...deps, storyEvents: replay });

    const [event] = replay.bodies.map(parseStoryEvent);
    expect(replay.bodies).toHaveLength(1);
    expect(event).toMatchObject({ kind: "updated", storyId: survivor, version: merged?.version });
    expect(event?.changes).toContainEqual({ kind: "new-outlet", outlet: absorbedItem?.item.outlet });
  });

  it("announces a story founded and merged away in one batch by the event of the story it went into alone", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 });
    const [english, ukrainian, bridge] = bridgingReports();
    let now = NOW;
    const deps = { shards, store, clock: { now: () => now }, logger: silent };
    await consumeIngestBatch([ingestRecord(english, 1)], { ...deps, storyEvents: matchQueue() });
    now = new Date(NOW.getTime() + 60_000);

    const sent = matchQueue();
    await consumeIngestBatch([ingestRecord(ukrainian, 1), ingestRecord(bridge, 1)], { ...deps, storyEvents: sent });

    const events = sent.bodies.map(parseStoryEvent);
    const kept = (await store.getItem(english?.item.id ?? ""))?.storyId;
    expect((await store.getItem(ukrainian?.item.id ?? ""))?.storyId).toBe(kept);
    expect(events.map((event) => [event?.kind, event?.storyId])).toEqual([["updated", kept]]);
  });
});

/** An English and a Ukrainian report too unlike to join, and one that is like both. */
function bridgingReports(): PreparedItem[] {
  return (
    [
      [
        "wire",
        "Ukraine's exit from mine ban treaty draws criticism from campaigners",
        "ICBL says the decision endangers civilians.",
      ],
      [
        "ukr",
        "Україна виходить з Оттавської конвенції про заборону протипіхотних мін",
        "Київ пояснює це застосуванням мін Росією і закупівлею нових мін.",
      ],
      [
        "mix",
        "Zelensky signs decree: Україна виходить з конвенції про заборону мін",
        "Ukraine leaves the landmine ban.",
      ],
    ] as const
  ).map(([outlet, title, summary]) => {
    const [item] = prepareEntries(
      [{ guid: outlet, title, summary, link: `https://${outlet}.example/`, published: "2025-06-29T18:00:00.000Z" }],
      { feedId: `fd_${outlet}`, feedUrl: `https://${outlet}.example/feed` },
      NOW.toISOString(),
    ).items;
    if (!item?.verdict.relevant) throw new Error(`not relevant: ${title}`);
    return item;
  });
}

/** An item's ingest message as the consumer receives it, for the `receives`-th time. */
function ingestRecord(item: PreparedItem | undefined, receives: number): SqsRecord {
  if (!item) throw new Error("no item");
  const message = encodeIngestMessage(item, 0);
  return {
    messageId: `m-${item.item.id}-${receives}`,
    body: message.body,
    attributes: { MessageGroupId: message.groupId, ApproximateReceiveCount: String(receives) },
  };
}

/** A relevant report of another event, for a second shard. */
function unrelatedReport(): PreparedItem[] {
  for (const place of ["Angola", "Laos", "Colombia", "Iraq", "Yemen", "Sri Lanka", "Bosnia", "Mozambique"]) {
    const items = prepareEntries(
      [
        {
          guid: `u-${place}`,
          title: `Landmine blast kills four farmers in ${place} border province`,
          link: `https://news.example/${place}`,
          summary: `Deminers in ${place} said anti-personnel mines still kill civilians.`,
          published: "2025-06-29T09:00:00.000Z",
        },
      ],
      { feedId: "fd_news", feedUrl: "https://news.example/feed" },
      NOW.toISOString(),
    ).items;
    const [wire] = prepared(0);
    const [report] = items;
    if (!wire || !report) continue;
    const shardOf = (entry: PreparedItem) => storyShard(entry.fingerprint, 4);
    if (shardOf(report) !== shardOf(wire)) return items;
  }
  throw new Error("no report in another shard");
}
