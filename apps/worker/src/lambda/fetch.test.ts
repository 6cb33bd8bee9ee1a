import type { Clock } from "@treatywatch/core";
import { HttpFetcher } from "@treatywatch/http";
import type { SqsRecord } from "@treatywatch/queue";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rss, startTestServer, type TestServer } from "../../test/feed-server.ts";
import { consumeFetchBatch } from "./fetch.ts";
import { shardedIngestSink } from "./ingest.ts";
import { encodeFetchMessage, parseIngestMessage } from "./messages.ts";

const NOW = new Date("2025-06-30T12:00:00.000Z");
const clock: Clock = { now: () => NOW };

const FEED = rss("Mine Action Wire", [
  {
    guid: "maw-1",
    title: "Survey teams return 40 hectares of farmland after mine clearance in Kharkiv",
    link: "https://wire.example/kharkiv-clearance",
    pubDate: "Mon, 30 Jun 2025 08:00:00 GMT",
  },
]);

function aRecord(messageId: string, body: string): SqsRecord {
  return { messageId, body, attributes: { ApproximateReceiveCount: "1" } };
}

describe("consumeFetchBatch", () => {
  let server: TestServer;
  let store: SqliteStore;
  const logged: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error(_fields: object, message: string) {
      logged.push(message);
    },
  };
  const fetcher = new HttpFetcher({
    userAgent: "treatywatch-test",
    timeoutMs: 5_000,
    maxBytes: 1_000_000,
    allow: ["127.0.0.1"],
  });

  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    logged.length = 0;
    server = await startTestServer({
      "/wire.xml": (_request, response) => response.writeHead(200, { "content-type": "application/rss+xml" }).end(FEED),
      "/gone.xml": (_request, response) => response.writeHead(410).end(),
    });
  });

  afterEach(async () => {
    await server.close();
    await store.close();
  });

  it("fetches each named feed and reports only unreadable messages as failures", async () => {
    const { feed: wire } = await store.addFeed(server.url("/wire.xml"), "2025-06-30T00:00:00.000Z");
    const { feed: gone } = await store.addFeed(server.url("/gone.xml"), "2025-06-30T00:00:00.000Z");
    const records = [
      aRecord("m-wire", encodeFetchMessage({ feedId: wire.id })),
      aRecord("m-gone", encodeFetchMessage({ feedId: gone.id })),
      aRecord("m-removed", encodeFetchMessage({ feedId: "fd_removed" })),
      aRecord("m-garbled", "{not json"),
    ];

    const response = await consumeFetchBatch(records, { store, fetcher, clock, logger });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-garbled" }]);
    expect(logged).toEqual(["fetch message failed"]);
    expect((await store.listItems({ limit: 10, feedId: wire.id })).data).toHaveLength(1);
    expect((await store.getFeed(gone.id))?.health.consecutiveFailures).toBe(1);
  });

  it("fails the record, so SQS retries it, when the store throws", async () => {
    const { feed } = await store.addFeed(server.url("/wire.xml"), "2025-06-30T00:00:00.000Z");
    await store.close();

    const response = await consumeFetchBatch([aRecord("m-1", encodeFetchMessage({ feedId: feed.id }))], {
      store,
      fetcher,
      clock,
      logger,
    });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    store = new SqliteStore(":memory:");
  });

  it("hands new relevant items to the story shards' queue instead of assigning stories itself", async () => {
    const { feed } = await store.addFeed(server.url("/wire.xml"), "2025-06-30T00:00:00.000Z");
    const sent: string[] = [];
    const ingest = shardedIngestSink({
      seen: {
        findDuplicates: async (items) => items.map(() => undefined),
        saveItems: async () => undefined,
        updateItemText: async () => undefined,
      },
      shards: { shardOf: () => 0 },
      sender: {
        async sendAll(messages) {
          sent.push(...messages.map((message) => message.body));
        },
      },
    });

    const response = await consumeFetchBatch([aRecord("m-1", encodeFetchMessage({ feedId: feed.id }))], {
      store,
      fetcher,
      clock,
      logger,
      ingest,
    });

    expect(response.batchItemFailures).toEqual([]);
    expect(sent.map((body) => parseIngestMessage(body).item.feedId)).toEqual([feed.id]);
    expect((await store.listItems({ limit: 10 })).data).toEqual([]);
    expect((await store.getFeed(feed.id))?.health.consecutiveFailures).toBe(0);
  });
});
