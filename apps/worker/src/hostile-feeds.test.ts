import type { Clock } from "@treatywatch/core";
import { HttpFetcher } from "@treatywatch/http";
import { type HostileServer, startHostileServer, TEST_HOST, testResolver } from "@treatywatch/http/testing";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FetchBatch, handleFetchBatch, pollDueFeeds } from "./poll.ts";

const START = new Date("2025-06-30T12:00:00Z");

function movableClock(): Clock & { advance(seconds: number): void } {
  let now = START;
  return {
    now: () => now,
    advance: (seconds) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

function fetcherFor(overrides: Partial<ConstructorParameters<typeof HttpFetcher>[0]> = {}): HttpFetcher {
  return new HttpFetcher({
    userAgent: "treatywatch-test",
    timeoutMs: 1_000,
    maxBytes: 1024 * 1024,
    maxDecodedBytes: 1024 * 1024,
    allow: [TEST_HOST],
    resolver: testResolver({ [TEST_HOST]: "127.0.0.1", "intranet.test": "10.0.0.7" }),
    ...overrides,
  });
}

describe("a poll tick against a hostile feed server", () => {
  let server: HostileServer;
  let store: SqliteStore;
  let fetcher: HttpFetcher;
  const clock = movableClock();

  beforeEach(async () => {
    server = await startHostileServer();
    store = new SqliteStore(":memory:");
    fetcher = fetcherFor({ clock });
  });

  afterEach(async () => {
    await fetcher.close();
    await server.close();
    await store.close();
  });

  it("records each hostile feed as an error of its kind and still ingests the good one", async () => {
    const expected: Array<[string, string]> = [
      [server.url("/billion-laughs.xml"), "parse"],
      [server.url("/external-entity.xml"), "parse"],
      [server.url("/gzip-bomb.xml"), "too-large"],
      [server.url("/endless.xml"), "too-large"],
      [server.url("/drip.xml"), "timeout"],
      [server.url("/redirect/6"), "http-status"],
      [server.url("/to-loopback"), "refused-address"],
      [server.url("/feed.xml", "intranet.test"), "refused-address"],
      [server.url("/html"), "parse"],
      // Damage is repaired, not refused: read with U+FFFD, and the repair kept in health.
      [server.url("/invalid-utf8.xml"), "ok"],
      [server.url("/empty.xml"), "parse"],
      [server.url("/busy.xml"), "http-status"],
      [server.url("/feed.xml"), "ok"],
    ];
    for (const [url] of expected) await store.addFeed(url, START.toISOString());
    const outcomes = await pollDueFeeds({ store, fetcher, clock }, { batchSize: 100, concurrency: 4 });

    const kinds = new Map(outcomes.map((outcome) => [outcome.url, outcome.error?.kind ?? outcome.status]));
    expect(Object.fromEntries(kinds)).toEqual(Object.fromEntries(expected));
    const good = outcomes.find((outcome) => outcome.url === server.url("/feed.xml"));
    expect(good?.summary.fresh).toBe(1);
    for (const feed of await store.listFeeds()) {
      if (feed.url === server.url("/invalid-utf8.xml")) {
        expect(feed.health).toMatchObject({ consecutiveFailures: 0, lastDamage: { kind: "encoding" } });
      } else if (feed.url === server.url("/feed.xml")) expect(feed.health).toMatchObject({ consecutiveFailures: 0 });
      else expect(feed.health).toMatchObject({ consecutiveFailures: 1, lastError: { kind: kinds.get(feed.url) } });
    }
    const busy = outcomes.find((outcome) => outcome.url === server.url("/busy.xml"));
    expect(Date.parse(busy?.nextPollAt ?? "")).toBe(START.getTime() + 7200 * 1000);
  });

  it("sends the validators on the next poll and parses nothing on 304", async () => {
    await store.addFeed(server.url("/feed.xml"), START.toISOString());
    await pollDueFeeds({ store, fetcher, clock });
    clock.advance(3600);

    const [second] = await pollDueFeeds({ store, fetcher, clock });

    expect(second).toMatchObject({ status: "not-modified", entries: 0, summary: { fresh: 0, duplicate: 0 } });
    expect(server.requests.at(-1)?.headers["if-none-match"]).toBe('"calm-1"');
  });

  it("keeps polling a failing feed with growing backoff", async () => {
    const { feed } = await store.addFeed(server.url("/html"), START.toISOString());
    const waits: number[] = [];

    for (let attempt = 0; attempt < 3; attempt++) {
      const [outcome] = await pollDueFeeds({ store, fetcher, clock });
      const wait = (Date.parse(outcome?.nextPollAt ?? "") - clock.now().getTime()) / 1000;
      waits.push(wait);
      clock.advance(wait);
    }

    expect(waits).toEqual([300, 600, 1200]);
    expect((await store.getFeed(feed.id))?.health.consecutiveFailures).toBe(3);
  });
});

describe("fetch batches", () => {
  let server: HostileServer;
  let store: SqliteStore;

  beforeEach(async () => {
    server = await startHostileServer({ delayMs: 2 });
    store = new SqliteStore(":memory:");
  });

  afterEach(async () => {
    await server.close();
    await store.close();
  });

  it("hands due feeds to the queue as messages, and a message handled twice fetches once", async () => {
    const clock = movableClock();
    const fetcher = fetcherFor();
    for (let index = 0; index < 5; index++) await store.addFeed(server.url(`/feeds/${index}`), START.toISOString());
    const sent: FetchBatch[] = [];

    const local = await pollDueFeeds(
      { store, fetcher, clock },
      { batchSize: 100, concurrency: 2, feedsPerMessage: 2, enqueue: async (batch) => void sent.push(batch) },
    );
    const first = await Promise.all(sent.map((message) => handleFetchBatch(message, { store, fetcher, clock })));
    const redelivered = await handleFetchBatch(sent[0] ?? { feedIds: [] }, { store, fetcher, clock });
    await fetcher.close();

    expect(local).toEqual([]);
    expect(sent.map((message) => message.feedIds.length)).toEqual([2, 2, 1]);
    expect(first.flat().map((outcome) => outcome.status)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(redelivered).toEqual([]);
    expect(server.requests).toHaveLength(5);
  });

  it("polls 1,000 feeds in one tick with no more than the configured concurrency in flight", async () => {
    const clock = movableClock();
    // Many host names, so the per-host limit is not what holds concurrency down.
    const hosts = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`outlet-${index}.test`, "127.0.0.1"]));
    const fetcher = fetcherFor({ allow: ["127.0.0.1"], resolver: testResolver(hosts), perHostConcurrency: 4 });
    for (let index = 0; index < 1000; index++) {
      await store.addFeed(server.url(`/feeds/${index}`, `outlet-${index % 40}.test`), START.toISOString());
    }

    const outcomes = await pollDueFeeds({ store, fetcher, clock }, { batchSize: 1000, concurrency: 8 });
    await fetcher.close();

    expect(outcomes.filter((outcome) => outcome.status === "ok")).toHaveLength(1000);
    expect(server.requests).toHaveLength(1000);
    expect(server.peakInFlight).toBeLessThanOrEqual(8);
    expect(server.peakInFlight).toBeGreaterThan(1);
  }, 60_000);
});
