import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SqsRecord } from "@treatywatch/queue/sqs";
import { type LocalSqs, startLocalSqs } from "@treatywatch/queue/testing/local-sqs";
import { DynamoStore } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rss, startTestServer, type TestServer } from "../../test/feed-server.ts";
import { encodeFetchMessage, parseStoryEvent } from "./messages.ts";

/** Two outlets' first reports of one event, each in its own feed. */
const FEEDS = {
  "/wire.xml": rss("Wire", [
    {
      guid: "w-1",
      title: "Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines",
      link: "https://wire.example/ukraine-ottawa",
      description: "Kyiv says Russian use of landmines left it no choice but to leave the mine ban treaty.",
      pubDate: "Sun, 29 Jun 2025 10:00:00 GMT",
    },
  ]),
  "/other.xml": rss("Other Outlet", [
    {
      guid: "o-1",
      title: "Ukraine quits Ottawa Convention landmine treaty, citing Russian mines",
      link: "https://other.example/news/ukraine-landmine-treaty",
      description: "Ukraine leaves the treaty banning anti-personnel mines, pointing to Russia's use of them.",
      pubDate: "Sun, 29 Jun 2025 14:30:00 GMT",
    },
  ]),
};

let dynamo: LocalDynamo;
let sqs: LocalSqs;
let server: TestServer;
let store: DynamoStore;
let ingestQueueUrl: string;
let matchQueueUrl: string;

/** Everything a queue holds, as the SQS event records Lambda would hand a consumer, in order. */
async function drain(queueUrl: string): Promise<SqsRecord[]> {
  const records: SqsRecord[] = [];
  for (;;) {
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (!Messages?.length) return records;
    for (const message of Messages) records.push({ messageId: message.MessageId ?? "", body: message.Body ?? "" });
  }
}

beforeAll(async () => {
  [dynamo, sqs] = await Promise.all([startDynalite(), startLocalSqs()]);
  server = await startTestServer(
    Object.fromEntries(
      Object.entries(FEEDS).map(([path, body]) => [
        path,
        (_request, response) => response.writeHead(200, { "content-type": "application/rss+xml" }).end(body),
      ]),
    ),
  );
  const tableName = await dynamo.freshTable();
  store = new DynamoStore({ client: dynamo.client, tableName });
  ingestQueueUrl =
    (await sqs.client.send(new CreateQueueCommand({ QueueName: "ingest.fifo", Attributes: { FifoQueue: "true" } })))
      .QueueUrl ?? "";
  matchQueueUrl = (await sqs.client.send(new CreateQueueCommand({ QueueName: "match" }))).QueueUrl ?? "";
  const sqsEndpoint = new URL(ingestQueueUrl).origin;
  for (const [name, value] of Object.entries({
    TREATYWATCH_TABLE_NAME: tableName,
    TREATYWATCH_INGEST_QUEUE_URL: ingestQueueUrl,
    TREATYWATCH_MATCH_QUEUE_URL: matchQueueUrl,
    TREATYWATCH_FETCH_ALLOW: "127.0.0.1",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    LOG_LEVEL: "silent",
    POWERTOOLS_METRICS_DISABLED: "true",
  }))
    vi.stubEnv(name, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
  await Promise.all([dynamo.stop(), sqs.stop()]);
});

describe("fetch and ingest Lambda handlers, on DynamoDB (dynalite) and SQS (local-aws-sqs)", () => {
  it("fetch two outlets' copies of one story at once and found one story through the FIFO ingest queue", async () => {
    const at = "2025-06-29T00:00:00.000Z";
    const feeds = await Promise.all(Object.keys(FEEDS).map((path) => store.addFeed(server.url(path), at)));
    const fetch = await import("./fetch.ts");
    const ingest = await import("./ingest.ts");

    const fetched = await Promise.all(
      feeds.map(({ feed }, index) =>
        fetch.handler({ Records: [{ messageId: `f-${index}`, body: encodeFetchMessage({ feedId: feed.id }) }] }),
      ),
    );
    const prepared = await drain(ingestQueueUrl);
    const ingested = await ingest.handler({ Records: prepared });

    expect(fetched).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(prepared).toHaveLength(2);
    expect(ingested).toEqual({ batchItemFailures: [] });
    const stories = (await store.listStories({ limit: 10 })).data;
    expect(stories).toHaveLength(1);
    expect(stories[0]?.sources).toHaveLength(2);
    const events = (await drain(matchQueueUrl)).map((record) => parseStoryEvent(record.body));
    expect(events.map((event) => [event.kind, event.storyId])).toEqual([
      ["created", stories[0]?.id],
      ["updated", stories[0]?.id],
    ]);
  });
});
