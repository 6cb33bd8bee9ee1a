import { ChangeMessageVisibilityCommand, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Clock, RawEntry } from "@treatywatch/core";
import { SqsFifoSender, SqsQueue, type SqsRecord } from "@treatywatch/queue/sqs";
import { type LocalSqs, startLocalSqs } from "@treatywatch/queue/testing/local-sqs";
import { DynamoStore, DynamoStoryShards } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
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

/** Runs both reports through the ingest consumer on fresh queues and a fresh table; returns the match queue's events. */
async function ingestBothReports(failingSend?: number): Promise<StoryEvent[]> {
  const suffix = `${failingSend ?? "none"}-${Date.now()}`;
  const ingestQueueUrl = await createQueue(`ingest-${suffix}.fifo`, true);
  const matchQueueUrl = await createQueue(`match-${suffix}`, false);
  const match = new SqsQueue(sqs.client, { queueUrl: matchQueueUrl, deadLetterQueueUrl: matchQueueUrl });
  const tableName = await dynamo.freshTable();
  const store = new DynamoStore({ client: dynamo.client, tableName });
  // One shard, so both reports share a message group and one assignment, as copies of a story mostly do.
  const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 });
  const sink = shardedIngestSink({
    seen: store,
    shards,
    sender: new SqsFifoSender(sqs.client, { queueUrl: ingestQueueUrl, groupId: shardGroup(0) }),
  });
  for (const [feed, entry] of REPORTS) await sink(normaliseEntries([entry], feed, NOW.toISOString()), assessItems);
  const deps = { shards, store, clock, logger: silent };

  const first = await receive(ingestQueueUrl);
  const storyEvents = failingSend === undefined ? match : failingOnce(match, failingSend);
  const failed = await consumeIngestBatch(first, { ...deps, storyEvents });
  const retried = new Set(failed.batchItemFailures.map((failure) => failure.itemIdentifier));
  await expireVisibility(
    ingestQueueUrl,
    first.filter((record) => retried.has(record.messageId)),
  );
  const again = await receive(ingestQueueUrl);
  const retry = await consumeIngestBatch(again, { ...deps, storyEvents: match });

  expect(first).toHaveLength(2);
  expect(again.map((record) => record.messageId)).toEqual([...retried]);
  expect(again.every((record) => Number(record.attributes?.ApproximateReceiveCount) > 1)).toBe(true);
  expect(retry.batchItemFailures).toEqual([]);
  return (await receive(matchQueueUrl)).map((record) => parseStoryEvent(record.body));
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

  it("sends the story's events again, at its current version, once SQS redelivers after the send failed", async () => {
    const events = await ingestBothReports(0);

    expect(events.map((event) => [event.kind, event.storyId, event.version])).toEqual(
      expected.map((event) => [event.kind, event.storyId, 2]),
    );
    expect(events[1]?.changes).toEqual(expected[1]?.changes);
  });
});
