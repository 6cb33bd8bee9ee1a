import type { Clock, Feed, Fetcher } from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rss } from "../test/feed-server.ts";
import { type FeedOutcome, type FetchDeps, fetchFeed } from "./fetch-feed.ts";
import { createSerializer } from "./serial.ts";

const NOW = new Date("2025-06-30T12:00:00Z");
const clock: Clock = { now: () => NOW };

/** Events each outlet reports in words of its own, and an off-topic item. */
const REPORTS = [
  (outlet: string) => `${outlet}: Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines`,
  (outlet: string) => `${outlet}: Deminers clear minefield near Izium as Ukraine surveys farmland for landmines`,
  (outlet: string) => `${outlet}: Lithuania completes withdrawal from the Convention on Cluster Munitions`,
  (outlet: string) => `${outlet}: Ottawa Senators sign new goalie`,
];
const OUTLETS = ["North Wire", "Harbour Post", "Capital Examiner", "Border Daily", "Morning Ledger"];

const feedUrl = (outlet: string) => `https://${outlet.toLowerCase().replace(" ", "-")}.example/feed.xml`;

function feedOf(outlet: string, index: number): string {
  return rss(
    outlet,
    REPORTS.map((report, n) => ({
      guid: `${index}-${n}`,
      title: report(outlet),
      link: `${new URL(feedUrl(outlet)).origin}/news/${n}`,
      pubDate: new Date(Date.UTC(2025, 5, 29, 8 + n, index * 7)).toUTCString(),
    })),
  );
}

/** Serves each outlet's feed from memory with an ETag: what is tested is the writing, not the network. */
const fetcher: Fetcher = {
  fetch: async ({ url }) => {
    const index = OUTLETS.findIndex((outlet) => feedUrl(outlet) === url);
    const outlet = OUTLETS[index];
    if (outlet === undefined) throw new Error(`no feed at ${url}`);
    return {
      status: "ok",
      body: Buffer.from(feedOf(outlet, index)),
      contentType: "application/rss+xml",
      etag: `"${index}-v1"`,
      finalUrl: url,
    };
  },
};

/** Makes every write of `feed`'s validators fail, as a full disk or a broken row would at the end of its ingest. */
function failValidatorsOf(store: SqliteStore, feed: Feed): void {
  store.db.exec(`CREATE TRIGGER validators_fail BEFORE UPDATE OF etag ON feeds WHEN NEW.id = '${feed.id}'
    BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;`);
}

/** Counts the transactions the store opened (batches begun outside one) and the savepoints taken inside one. */
function counted(store: SqliteStore): { store: SqliteStore; transactions: () => number; nested: () => number } {
  let transactions = 0;
  let nested = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "batch" && !target.db.inTransaction) transactions++;
        if (property === "savepoint" && target.db.inTransaction) nested++;
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, transactions: () => transactions, nested: () => nested };
}

/** Every outlet's feed fetched at once through one serializer, as a poll tick's fetch slots do. */
async function fetchAll(store: FetchDeps["store"], feeds: readonly Feed[], itemsPerCommit?: number) {
  const serialize = createSerializer(store, itemsPerCommit);
  return Promise.all(feeds.map((feed) => fetchFeed(feed, { store, fetcher, clock, serialize })));
}

async function addFeeds(store: SqliteStore): Promise<Feed[]> {
  const feeds: Feed[] = [];
  for (const outlet of OUTLETS) feeds.push((await store.addFeed(feedUrl(outlet), NOW.toISOString())).feed);
  return feeds;
}

async function itemsOf(store: SqliteStore, feed: Feed): Promise<string[]> {
  return (await store.listItems({ limit: 100, feedId: feed.id })).data.map((stored) => stored.item.title);
}

/** Every feed of a failed commit recorded as failed once, with no items and no validators stored. */
async function expectEveryFeedFailedUnwritten(store: SqliteStore, feeds: readonly Feed[], outcomes: FeedOutcome[]) {
  expect(outcomes.map((outcome) => outcome.status)).toEqual(feeds.map(() => "error"));
  for (const feed of feeds) {
    expect(await itemsOf(store, feed)).toEqual([]);
    expect(await store.getFeed(feed.id)).toMatchObject({ etag: undefined, health: { consecutiveFailures: 1 } });
  }
}

/** Every story and which story each item joined: what story assignment decided. */
async function assignment(store: SqliteStore) {
  const stories = (await store.listStories({ limit: 100 })).data;
  const items = (await store.listItems({ limit: 100 })).data.map((stored) => [stored.item.id, stored.storyId ?? null]);
  return { stories, items: Object.fromEntries(items) };
}

describe("feeds fetched together share one commit", () => {
  let store: SqliteStore;

  beforeEach(() => {
    store = new SqliteStore(":memory:");
  });

  afterEach(async () => {
    await store.close();
  });

  it("writes every feed's items and validators in one transaction, a savepoint a feed", async () => {
    const feeds = await addFeeds(store);
    const watched = counted(store);

    const outcomes = await fetchAll(watched.store, feeds);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(feeds.map(() => "ok"));
    expect(watched.transactions()).toBe(1);
    expect(watched.nested()).toBe(feeds.length);
    for (const [index, feed] of feeds.entries()) {
      expect(await itemsOf(store, feed)).toHaveLength(REPORTS.length);
      expect((await store.getFeed(feed.id))?.etag).toBe(`"${index}-v1"`);
    }
  });

  it("undoes only the feed whose write fails, records it as that feed's error, and commits the others", async () => {
    const feeds = await addFeeds(store);
    const failing = feeds[2] as Feed;
    failValidatorsOf(store, failing);
    const watched = counted(store);

    const outcomes = await fetchAll(watched.store, feeds);

    expect(watched.transactions()).toBe(1);
    expect(outcomes[2]).toMatchObject({
      status: "error",
      error: { kind: "internal", message: expect.stringContaining("disk I/O error") },
    });
    expect(await itemsOf(store, failing)).toEqual([]);
    expect(await store.getFeed(failing.id)).toMatchObject({
      etag: undefined,
      health: { consecutiveFailures: 1, lastError: { kind: "internal" } },
    });
    for (const [index, feed] of feeds.entries()) {
      if (feed === failing) continue;
      expect(outcomes[index]?.status).toBe("ok");
      expect(await itemsOf(store, feed)).toHaveLength(REPORTS.length);
      expect((await store.getFeed(feed.id))?.etag).toBe(`"${index}-v1"`);
    }
    // No story keeps a source the undone feed had given it.
    const sources = (await store.listStories({ limit: 100 })).data.flatMap((story) => story.sources);
    expect(sources.filter((source) => source.feedId === failing.id)).toEqual([]);
  });

  it("loses nothing a later poll does not fetch again when the commit fails: no feed's items stand without its validators", async () => {
    const feeds = await addFeeds(store);
    // A row SQLite refuses only at the commit, written as the last feed's validators are.
    store.db.exec(`CREATE TABLE parents (id TEXT PRIMARY KEY);
      CREATE TABLE children (parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER orphan AFTER UPDATE OF etag ON feeds WHEN NEW.id = '${feeds.at(-1)?.id}'
        BEGIN INSERT INTO children VALUES ('missing'); END;`);

    const failed = await fetchAll(store, feeds);

    await expectEveryFeedFailedUnwritten(store, feeds, failed);

    store.db.exec("DROP TRIGGER orphan");
    const again = await fetchAll(store, feeds);

    expect(again.map((outcome) => outcome.status)).toEqual(feeds.map(() => "ok"));
    for (const feed of feeds) expect(await itemsOf(store, feed)).toHaveLength(REPORTS.length);
  });

  it("fails every feed of the commit when a feed's write makes SQLite roll the whole transaction back, and no story keeps a report that was not stored", async () => {
    const feeds = await addFeeds(store);
    // As a full disk or an I/O error does: SQLite rolls the transaction back of its own accord.
    store.db.exec(`CREATE TRIGGER validators_lost BEFORE UPDATE OF etag ON feeds WHEN NEW.id = '${feeds[2]?.id}'
      BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END;`);

    const failed = await fetchAll(store, feeds);

    await expectEveryFeedFailedUnwritten(store, feeds, failed);
    expect((await store.listStories({ limit: 100 })).data).toEqual([]);

    store.db.exec("DROP TRIGGER validators_lost");
    const again = await fetchAll(store, feeds);

    expect(again.map((outcome) => outcome.status)).toEqual(feeds.map(() => "ok"));
    const stored = new Set((await store.listItems({ limit: 100 })).data.map((item) => item.item.id));
    const sources = (await store.listStories({ limit: 100 })).data.flatMap((story) => story.sources);
    expect(sources.filter((source) => !stored.has(source.itemId))).toEqual([]);
  });

  describe.each([
    { case: "every feed's writes standing", failing: undefined },
    { case: "a feed's writes undone midway", failing: 1 },
  ])("with $case", ({ failing }) => {
    it("forms the same stories as a commit a feed", async () => {
      const apart = new SqliteStore(":memory:");
      try {
        const feeds = await addFeeds(store);
        await addFeeds(apart);
        if (failing !== undefined) {
          failValidatorsOf(store, feeds[failing] as Feed);
          failValidatorsOf(apart, feeds[failing] as Feed);
        }

        await fetchAll(store, feeds);
        await fetchAll(apart, feeds, 1);

        const together = await assignment(store);
        expect(together).toEqual(await assignment(apart));
        // Outlets' reports of one event fold into one story: assignment crossed feeds.
        expect(Math.max(...together.stories.map((story) => story.sources.length))).toBeGreaterThan(1);
      } finally {
        await apart.close();
      }
    });
  });
});
