import type { Clock, Fetcher } from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { rss } from "../test/feed-server.ts";
import type { FeedOutcome } from "./fetch-feed.ts";
import { startPollLoop } from "./loop.ts";
import { FeedsUnread, type FetchBatch, handleFetchBatch, pollDueFeeds } from "./poll.ts";

const NOW = new Date("2025-06-30T12:00:00.000Z");
const clock: Clock = { now: () => NOW };

/** A fetcher that answers every feed with one report of its own on the topic. */
const newsFetcher: Fetcher = {
  async fetch({ url }) {
    const host = new URL(url).hostname;
    const body = rss(host, [
      {
        guid: `${host}-1`,
        title: `Deminers clear a minefield near Izium, reports ${host}`,
        link: `https://${host}/news/1`,
        pubDate: NOW.toUTCString(),
      },
    ]);
    return { status: "ok", body: Buffer.from(body), contentType: "application/rss+xml", finalUrl: url };
  },
};

/** The store, but reading a feed fails (as a broken disk would) where `fails` says, given the feeds read so far. */
function failingToRead(store: SqliteStore, fails: (id: string, read: readonly string[]) => boolean): SqliteStore {
  const read: string[] = [];
  return new Proxy(store, {
    get(target, property) {
      if (property === "getFeed") {
        return async (id: string) => {
          if (!read.includes(id)) read.push(id);
          if (fails(id, read)) throw new Error("disk I/O error");
          return target.getFeed(id);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A fetcher that counts requests and answers every feed as unchanged. */
function countingFetcher(): Fetcher & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    async fetch(request) {
      urls.push(request.url);
      return { status: "not-modified" };
    },
  };
}

async function storeWithDueFeeds(count: number): Promise<SqliteStore> {
  const store = new SqliteStore(":memory:");
  for (let i = 0; i < count; i++) await store.addFeed(`https://feed${i}.example/rss`, "2025-06-30T11:00:00.000Z");
  return store;
}

describe("pollDueFeeds with feed leases", () => {
  it("gives each due feed to one of two overlapping ticks", async () => {
    const store = await storeWithDueFeeds(5);
    const sent: FetchBatch[] = [];
    const options = {
      batchSize: 100,
      concurrency: 2,
      feedsPerMessage: 2,
      enqueue: async (b: FetchBatch) => void sent.push(b),
    };

    await Promise.all([
      pollDueFeeds({ store, fetcher: countingFetcher(), clock }, options),
      pollDueFeeds({ store, fetcher: countingFetcher(), clock }, options),
    ]);

    const feedIds = sent.flatMap((batch) => batch.feedIds);
    expect(feedIds).toHaveLength(5);
    expect(new Set(feedIds).size).toBe(5);
  });

  it("fetches the feeds a message holds the lease on, and not those another tick leased", async () => {
    const store = await storeWithDueFeeds(2);
    const sent: FetchBatch[] = [];
    await pollDueFeeds(
      { store, fetcher: countingFetcher(), clock },
      { batchSize: 100, concurrency: 2, enqueue: async (batch) => void sent.push(batch) },
    );
    const [message] = sent;
    if (!message) throw new Error("one fetch message expected");
    const fetcher = countingFetcher();

    const stale = await handleFetchBatch(
      { ...message, leaseUntil: "2025-06-30T12:05:00.000Z" },
      { store, fetcher, clock },
    );
    const held = await handleFetchBatch(message, { store, fetcher, clock });

    expect(stale).toEqual([]);
    expect(held).toHaveLength(2);
    expect(fetcher.urls.sort()).toEqual(["https://feed0.example/rss", "https://feed1.example/rss"]);
  });

  it("fetches each due feed once when two in-process ticks overlap", async () => {
    const store = await storeWithDueFeeds(3);
    const fetcher = countingFetcher();

    const [first, second] = await Promise.all([
      pollDueFeeds({ store, fetcher, clock }),
      pollDueFeeds({ store, fetcher, clock }),
    ]);

    expect(first.length + second.length).toBe(3);
    expect(fetcher.urls.sort()).toEqual([
      "https://feed0.example/rss",
      "https://feed1.example/rss",
      "https://feed2.example/rss",
    ]);
  });
});

describe("handleFetchBatch", () => {
  async function urlsOf(store: SqliteStore, ids: readonly string[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await store.getFeed(id))?.url ?? ""));
  }

  async function leasedMessage(store: SqliteStore): Promise<FetchBatch> {
    const sent: FetchBatch[] = [];
    await pollDueFeeds(
      { store, fetcher: countingFetcher(), clock },
      { batchSize: 100, concurrency: 1, feedsPerMessage: 100, enqueue: async (batch) => void sent.push(batch) },
    );
    const [message] = sent;
    if (!message) throw new Error("one fetch message expected");
    return message;
  }

  it("reads each feed as a fetch slot comes to it, so a feed removed during the tick is not fetched", async () => {
    const store = await storeWithDueFeeds(3);
    const message = await leasedMessage(store);
    const [first, , third] = message.feedIds;
    const urls = await urlsOf(store, message.feedIds);
    const fetcher = countingFetcher();
    const removing: Fetcher = {
      async fetch(request) {
        if (third && fetcher.urls.length === 0) await store.removeFeed(third);
        return fetcher.fetch(request);
      },
    };

    const outcomes = await handleFetchBatch(message, { store, fetcher: removing, clock, concurrency: 1 });

    expect(outcomes.map((outcome) => outcome.feedId)).toEqual(message.feedIds.slice(0, 2));
    expect(outcomes[0]?.feedId).toBe(first);
    expect(fetcher.urls).toEqual(urls.slice(0, 2));
  });

  it("fails the message on a feed it cannot read, starting no fetch after it", async () => {
    const store = await storeWithDueFeeds(3);
    const message = await leasedMessage(store);
    const urls = await urlsOf(store, message.feedIds);
    const broken = failingToRead(store, (id) => id === message.feedIds[1]);
    const fetcher = countingFetcher();

    const failure = await handleFetchBatch(message, { store: broken, fetcher, clock, concurrency: 1 }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(FeedsUnread);
    expect(String(failure)).toContain("disk I/O error");
    expect(fetcher.urls).toEqual(urls.slice(0, 1));
    const outcomes = (failure as FeedsUnread).outcomes;
    expect(outcomes.map(({ feedId, status }) => ({ feedId, status }))).toEqual([
      { feedId: message.feedIds[0], status: "not-modified" },
    ]);
  });
});

describe("startPollLoop", () => {
  it("announces what the feeds fetched before an unreadable one made, and logs the failed tick", async () => {
    const store = await storeWithDueFeeds(3);
    const read: string[] = [];
    // The second feed the tick reads is the one that cannot be read.
    const broken = failingToRead(store, (id, order) => {
      read.splice(0, read.length, ...order);
      return id === order[1];
    });
    const ticks: FeedOutcome[][] = [];
    const errors: string[] = [];
    const logger = {
      info: () => {},
      warn: () => {},
      error: (_: unknown, message: string) => void errors.push(message),
    };
    // The loop's first tick starts at once; stopping waits for it to end.
    const stop = startPollLoop(
      { store: broken, fetcher: newsFetcher, clock },
      {
        batchSize: 100,
        concurrency: 1,
        tickMs: 60_000,
        logger: logger as never,
        onTick: (outcomes) => ticks.push(outcomes),
      },
    );
    await stop();

    expect(errors).toEqual(["poll tick failed"]);
    const [outcomes] = ticks;
    expect(outcomes?.map((outcome) => outcome.feedId)).toEqual(read.slice(0, 1));
    expect(outcomes?.[0]?.summary.fresh).toBe(1);
    expect(outcomes?.[0]?.summary.events).toHaveLength(1);
  });
});
