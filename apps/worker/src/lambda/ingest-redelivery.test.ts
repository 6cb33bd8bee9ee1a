import { ChangeMessageVisibilityCommand, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Clock, RawEntry } from "@treatywatch/core";
import { SqsFifoSender, SqsQueue, type SqsRecord } from "@treatywatch/queue/sqs";
import { type LocalSqs, startLocalSqs } from "@treatywatch/queue/testing/local-sqs";
import { DynamoStore, DynamoStoryShards } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { failingClient, type PicksCall, sortKeysPut } from "@treatywatch/store/testing/failing-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedContext, StoryEvent } from "../ingest.ts";
import { assessItems, normaliseEntries } from "../prepare.ts";
import { consumeIngestBatch, type StoryEventSender, shardedIngestSink } from "./ingest.ts";
import { parseStoryEvent, shardGroup } from "./messages.ts";

const NOW = new Date("2025-06-30T12:00:00.000Z");
const clock: Clock = { now: () => NOW };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Two outlets' reports of one event: the first founds a story, the second updates it. */
const REPORTS: Array<[FeedContext, RawEntry]> = [
  [
    { feedId: "fd_wire", feedUrl: "https://wire.example/feed.xml", feedTitle: "Wire" },
    {
      guid: "w-7",
      title: "Cambodia clears 12 minefields near the Thai border",
      link: "https://wire.example/cambodia-clearance",
      summary: "Deminers in Cambodia finished clearing landmines from farmland close to the border with Thailand.",
      published: "2025-06-29T08:00:00.000Z",
    },
  ],
  [
    { feedId: "fd_other", feedUrl: "https://other.example/rss", feedTitle: "Other Outlet" },
    {
      guid: "o-7",
      title: "Cambodian deminers clear 12 minefields by Thai border, landmine survey says",
      link: "https://other.example/news/cambodia-landmines",
      summary: "Cambodia's mine action authority says 12 minefields near Thailand are now cleared of landmines.",
      published: "2025-06-29T11:00:00.000Z",
    },
  ],
];

let dynamo: LocalDynamo;
let sqs: LocalSqs;

beforeAll(async () => {
  [dynamo, sqs] = await Promise.all([startDynalite(), startLocalSqs()]);
});

afterAll(async () => {
  await Promise.all([dynamo.stop(), sqs.stop()]);
});

async function createQueue(name: string, fifo: boolean): Promise<string> {
  const created = await sqs.client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: "true" } : {} }),
  );
  return created.QueueUrl ?? "";
}

interface Received extends SqsRecord {
  receiptHandle: string;
}

/** The records Lambda would hand the consumer, receive counts included. */
async function receive(queueUrl: string): Promise<Received[]> {
  const { Messages = [] } = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 60,
      // The emulator reads the older AttributeNames parameter, where "All" includes the receive count.
      AttributeNames: ["All"],
    }),
  );
  return Messages.map((message) => ({
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount,
      MessageGroupId: message.Attributes?.MessageGroupId,
    },
  }));
}

/** What the end of the visibility timeout does to the batch item failures: they are received again. */
async function expireVisibility(queueUrl: string, records: readonly Received[]): Promise<void> {
  for (const { receiptHandle } of records) {
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 }),
    );
  }
}

/** A match-queue sender whose send number `failing` (from 0) throws, as an SQS outage would. */
function failingOnce(target: StoryEventSender, failing: number): StoryEventSender {
  let calls = 0;
  return {
    sendBatch(bodies) {
      if (calls++ === failing) return Promise.reject(new Error("match queue unavailable"));
      return target.sendBatch(bodies);
    },
  };
}

/** Picks the writes of item records, which go after the stories and the index. */
const writesItems: PicksCall = (command, input) =>
  command === "BatchWriteItemCommand" && sortKeysPut(input).includes("ITEM");

let pipelines = 0;

/**
 * Fresh queues and a fresh table. Each `deliver` runs reports through the fetch side and the
 * ingest consumer as one batch, the match queue's send number `failingSend` (from 0) failing,
 * then SQS's redelivery of what failed; it returns the events the match queue received. With
 * `itemsFail`, the first delivery's write of its item records fails instead.
 */
async function pipeline({
  itemsFail = false,
  counted,
}: {
  itemsFail?: boolean;
  /** The consumers' metrics, by name. */
  counted?: Map<string, number>;
} = {}): Promise<(reports: typeof REPORTS, failingSend?: number) => Promise<StoryEvent[]>> {
  const suffix = `${++pipelines}-${Date.now()}`;
  const ingestQueueUrl = await createQueue(`ingest-${suffix}.fifo`, true);
  const matchQueueUrl = await createQueue(`match-${suffix}`, false);
  const match = new SqsQueue(sqs.client, { queueUrl: matchQueueUrl, deadLetterQueueUrl: matchQueueUrl });
  const tableName = await dynamo.freshTable();
  const store = new DynamoStore({ client: dynamo.client, tableName });
  // One shard, so the reports share a message group and one assignment, as copies of a story mostly do.
  const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 });
  const sink = shardedIngestSink({
    seen: store,
    shards,
    sender: new SqsFifoSender(sqs.client, { queueUrl: ingestQueueUrl, groupId: shardGroup(0) }),
  });
  const metrics = { count: (name: string, value = 1) => counted?.set(name, (counted.get(name) ?? 0) + value) };
  const deps = { shards, store, clock, logger: silent, metrics };
  return async (reports, failingSend) => {
    for (const [feed, entry] of reports) await sink(normaliseEntries([entry], feed, NOW.toISOString()), assessItems);
    const first = await receive(ingestQueueUrl);
    const storyEvents = failingSend === undefined ? match : failingOnce(match, failingSend);
    const firstShards = itemsFail
      ? new DynamoStoryShards({
          client: failingClient(dynamo.endpoint, writesItems, { times: 1 }).client,
          tableName,
          shards: 1,
        })
      : shards;
    const failed = await consumeIngestBatch(first, { ...deps, shards: firstShards, storyEvents });
    const retried = new Set(failed.batchItemFailures.map((failure) => failure.itemIdentifier));
    if (itemsFail) expect(retried.size).toBe(reports.length);
    await expireVisibility(
      ingestQueueUrl,
      first.filter((record) => retried.has(record.messageId)),
    );
    const again = await receive(ingestQueueUrl);
    const retry = await consumeIngestBatch(again, { ...deps, storyEvents: match });

    expect(first).toHaveLength(reports.length);
    expect(again.map((record) => record.messageId)).toEqual([...retried]);
    expect(again.every((record) => Number(record.attributes?.ApproximateReceiveCount) > 1)).toBe(true);
    expect(retry.batchItemFailures).toEqual([]);
    return (await receive(matchQueueUrl)).map((record) => parseStoryEvent(record.body));
  };
}

/** Runs both reports through the ingest consumer on fresh queues and a fresh table; returns the match queue's events. */
async function ingestBothReports(failingSend?: number): Promise<StoryEvent[]> {
  return (await pipeline())(REPORTS, failingSend);
}

describe("ingest consumer on dynalite and local-aws-sqs, when the match queue send fails", () => {
  let expected: StoryEvent[];
  beforeAll(async () => {
    expected = await ingestBothReports();
  });

  it("sends a created and an updated event when nothing fails", () => {
    expect(expected.map((event) => [event.kind, event.version])).toEqual([
      ["created", 1],
      ["updated", 2],
    ]);
    expect(expected[1]?.changes).toContainEqual({ kind: "new-outlet", outlet: "Other Outlet" });
  });

  it("announces the story once SQS redelivers a batch whose items' write failed after its stories were written", async () => {
    const events = await (await pipeline({ itemsFail: true }))(REPORTS);

    expect(events.map((event) => [event.kind, event.storyId, event.version])).toEqual(
      expected.map((event) => [event.kind, event.storyId, 2]),
    );
    expect(events[1]?.changes).toEqual(expected[1]?.changes);
  });

  it("sends the story's events again, at its current version, once SQS redelivers after the send failed", async () => {
    const events = await ingestBothReports(0);

    expect(events.map((event) => [event.kind, event.storyId, event.version])).toEqual(
      expected.map((event) => [event.kind, event.storyId, 2]),
    );
    expect(events[1]?.changes).toEqual(expected[1]?.changes);
  });
});

describe("ingest consumer on dynalite and local-aws-sqs, when a batch holding one item twice is redelivered", () => {
  const [wire, other] = REPORTS as [(typeof REPORTS)[number], (typeof REPORTS)[number]];
  // Edited at the source before the first copy was ingested: the same id, a new title, so a message of its own.
  const edited: (typeof REPORTS)[number] = [
    wire[0],
    { ...wire[1], title: "Cambodia clears 12 minefields near the Thai border, officials say" },
  ];

  it("sends the item's event once, as the first delivery decided it", async () => {
    const expected = await (await pipeline())([wire, edited, other]);
    expect(expected.map((event) => [event.kind, event.version])).toEqual([
      ["created", 1],
      ["updated", 2],
    ]);

    const counted = new Map<string, number>();
    const events = await (await pipeline({ counted }))([wire, edited, other], 0);

    expect(events.map((event) => [event.kind, event.storyId, event.version])).toEqual(
      expected.map((event) => [event.kind, event.storyId, 2]),
    );
    expect(events[1]?.changes).toEqual(expected[1]?.changes);
    expect(counted.get("StoryEventsReplayed")).toBe(2);
  });
});

/**
 * One event in two languages: an English and a Ukrainian report too unlike to join found a story
 * each, and a third that mixes both wordings shows them to be one: the Ukrainian story is folded
 * into the English one, first seen, and the third report joins it.
 */
const FOLDED: Array<[FeedContext, RawEntry]> = [
  [
    "wire",
    "Ukraine's exit from mine ban treaty draws criticism from campaigners",
    "ICBL says the decision endangers civilians.",
    "en",
  ],
  [
    "ukrinform",
    "Україна виходить з Оттавської конвенції про заборону протипіхотних мін",
    "Київ пояснює це застосуванням мін Росією і закупівлею нових мін.",
    "uk",
  ],
  [
    "bridge",
    "Zelensky signs decree: Україна виходить з конвенції про заборону мін",
    "Ukraine leaves the landmine ban.",
    "en",
  ],
].map(([name, title, summary, language], position) => [
  { feedId: `fd_${name}`, feedUrl: `https://${name}.example/feed`, feedTitle: `Outlet ${name}` },
  {
    guid: `${name}-1`,
    title,
    summary,
    link: `https://${name}.example/report`,
    published: `2025-06-29T1${position}:00:00.000Z`,
    language,
  },
]);

describe("ingest consumer on dynalite and local-aws-sqs, when a report folded two stories and the send failed", () => {
  const [english, ukrainian, bridging] = FOLDED as [
    (typeof FOLDED)[number],
    (typeof FOLDED)[number],
    (typeof FOLDED)[number],
  ];
  /** What a delivery reports, at the version the story has by then (a replay's): all matching reads. */
  const reported = (events: readonly StoryEvent[], version: number) =>
    events.map(({ kind, storyId, changes }) => ({ kind, storyId, version, changes }));

  it("reports the fold again once SQS redelivers a batch whose report folded stories written before", async () => {
    const clean = await pipeline();
    const [founded] = await clean([english]);
    const [other] = await clean([ukrainian]);
    const expected = await clean([bridging]);
    expect(founded?.storyId).not.toBe(other?.storyId);
    expect(expected.map((event) => event.kind)).toEqual(["updated"]);
    expect([founded?.storyId, other?.storyId]).toContain(expected[0]?.storyId);

    const failing = await pipeline();
    await failing([english]);
    await failing([ukrainian]);
    const events = await failing([bridging], 0);

    expect(events).toEqual(expected);
  });

  it("reports the same stories and changes once SQS redelivers a batch that founded and folded them", async () => {
    const expected = await (await pipeline())(FOLDED);
    expect(expected.map((event) => event.kind)).toEqual(["created", "updated"]);
    const version = expected[1]?.version ?? 0;

    const counted = new Map<string, number>();
    const events = await (await pipeline({ counted }))(FOLDED, 0);

    expect(reported(events, version)).toEqual(reported(expected, version));
    // Three items replayed, the created event of the story folded in the batch left out: two sent.
    expect(counted.get("StoryEventsReplayed")).toBe(events.length);
  });
});
