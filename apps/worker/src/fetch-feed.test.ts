import type { Clock } from "@treatywatch/core";
import { HttpFetcher } from "@treatywatch/http";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rss, startTestServer, type TestServer } from "../test/feed-server.ts";
import { fetchFeed } from "./fetch-feed.ts";
import { pollDueFeeds } from "./poll.ts";

const NOW = new Date("2025-06-30T12:00:00Z");
const clock: Clock = { now: () => NOW };

const WIRE = rss("Test Wire", [
  {
    guid: "w-1",
    title: "Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines",
    link: "https://wire.example/ukraine-ottawa?utm_source=rss",
    description: "Kyiv says Russian use of landmines left it no choice.",
    pubDate: "Sun, 29 Jun 2025 10:00:00 GMT",
  },
  {
    guid: "w-2",
    title: "Ottawa Senators sign new goalie",
    link: "https://wire.example/senators",
    pubDate: "Sun, 29 Jun 2025 11:00:00 GMT",
  },
]);

const OTHER_OUTLET = rss("Other Outlet", [
  {
    guid: "o-1",
    title: "Ukraine quits Ottawa Convention landmine treaty, citing Russian mines",
    link: "https://other.example/news/ukraine-landmine-treaty",
    pubDate: "Sun, 29 Jun 2025 14:30:00 GMT",
  },
]);

describe("fetchFeed", () => {
  let server: TestServer;
  let store: SqliteStore;
  const fetcher = new HttpFetcher({
    userAgent: "treatywatch-test",
    timeoutMs: 5_000,
    maxBytes: 1_000_000,
    allow: ["127.0.0.1"],
  });

  beforeEach(async () => {
    store = new SqliteStore(":memory:");
    server = await startTestServer({
      "/wire.xml": (request, response) => {
        if (request.headers["if-none-match"] === '"v1"') return void response.writeHead(304).end();
        response.writeHead(200, { "content-type": "application/rss+xml", etag: '"v1"' }).end(WIRE);
      },
      "/other.xml": (_request, response) => response.writeHead(200, { "content-type": "text/xml" }).end(OTHER_OUTLET),
      "/page.html": (_request, response) =>
        response.writeHead(200, { "content-type": "text/html" }).end("<!DOCTYPE html><html><body>hi</body></html>"),
      "/gone.xml": (_request, response) => response.writeHead(410).end(),
    });
  });

  afterEach(async () => {
    await server.close();
    await store.close();
  });

  it("stores classified items and folds the same event from two outlets into one story", async () => {
    await store.addFeed(server.url("/wire.xml"), NOW.toISOString());
    await store.addFeed(server.url("/other.xml"), NOW.toISOString());

    const outcomes = await pollDueFeeds({ store, fetcher, clock });

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["ok", "ok"]);
    const stories = await store.listStories({ limit: 10 });
    expect(stories.data).toHaveLength(1);
    expect(stories.data[0]?.sources.map((source) => source.outlet).sort()).toEqual(["Other Outlet", "Test Wire"]);
    const offTopic = await store.listItems({ limit: 10, relevant: false });
    expect(offTopic.data.map((stored) => stored.item.title)).toEqual(["Ottawa Senators sign new goalie"]);
  });

  it("sends the validators on the next poll and parses nothing on 304", async () => {
    const { feed } = await store.addFeed(server.url("/wire.xml"), NOW.toISOString());
    const first = await fetchFeed(feed, { store, fetcher, clock });
    const refreshed = await store.getFeed(feed.id);
    if (!refreshed) throw new Error("feed vanished");

    const second = await fetchFeed(refreshed, { store, fetcher, clock });

    expect(first.summary.fresh).toBe(2);
    expect(second.status).toBe("not-modified");
    expect(server.requests.at(-1)?.headers["if-none-match"]).toBe('"v1"');
  });

  it("counts an unchanged item fetched again as a duplicate", async () => {
    const { feed } = await store.addFeed(server.url("/other.xml"), NOW.toISOString());
    await fetchFeed(feed, { store, fetcher, clock });

    const again = await fetchFeed(feed, { store, fetcher, clock });

    expect(again.summary).toMatchObject({ fresh: 0, duplicate: 1 });
  });

  it.each([
    ["/page.html", "parse"],
    ["/gone.xml", "http-status"],
  ])("records a failure of %s as a %s error and backs off", async (path, kind) => {
    const { feed } = await store.addFeed(server.url(path), NOW.toISOString());

    const outcome = await fetchFeed(feed, { store, fetcher, clock });

    expect(outcome.error?.kind).toBe(kind);
    const health = (await store.getFeed(feed.id))?.health;
    expect(health).toMatchObject({ consecutiveFailures: 1, lastError: { kind } });
    expect(Date.parse(outcome.nextPollAt)).toBeGreaterThan(NOW.getTime());
  });
});
