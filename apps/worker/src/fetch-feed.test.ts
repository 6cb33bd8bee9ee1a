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

/** Entries of a feed that changes between polls: a report on mines, and others that come and go. */
let rolling: Parameters<typeof rss>[1] = [];

/** The store, counting the calls made of each of its methods. */
function counting(store: SqliteStore): { store: SqliteStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

const report = (n: number) => ({
  guid: `r-${n}`,
  title: `Deminers clear minefield number ${n} near Izium, Ukraine`,
  link: `https://rolling.example/clearance/${n}`,
  description: "Teams surveyed farmland and removed anti-personnel mines.",
  pubDate: "Sun, 29 Jun 2025 10:00:00 GMT",
});

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
      "/rolling.xml": (_request, response) =>
        response.writeHead(200, { "content-type": "application/rss+xml" }).end(rss("Rolling Wire", rolling)),
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

  it("asks the store once which entries it holds, and takes only the new ones on to be read and stored", async () => {
    const { feed } = await store.addFeed(server.url("/rolling.xml"), NOW.toISOString());
    rolling = [1, 2, 3, 4].map(report);
    await fetchFeed(feed, { store, fetcher, clock });
    const counted = counting(store);
    rolling = [5, 1, 2, 6, 3, 4].map(report);

    const again = await fetchFeed(feed, { store: counted.store, fetcher, clock });

    expect(again.summary).toMatchObject({ fresh: 2, duplicate: 4, skipped: 0, failed: 0 });
    expect(counted.calls.get("storedItemTexts")).toBe(1);
    // The store half's duplicate check, which every entry read passes through, saw only the new two.
    expect(counted.calls.get("findDuplicate")).toBe(2);
    const titles = (await store.listItems({ limit: 10, feedId: feed.id })).data.map((stored) => stored.item.title);
    expect(titles.sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => report(n).title).sort());
  });

  it("keeps an entry met again under its id with new text in its item, verdict and story, and takes its text", async () => {
    const { feed } = await store.addFeed(server.url("/rolling.xml"), NOW.toISOString());
    rolling = [report(1)];
    const first = await fetchFeed(feed, { store, fetcher, clock });
    const [before] = (await store.listItems({ limit: 10, feedId: feed.id })).data;
    const story = await store.getStory(before?.storyId ?? "");
    // Same GUID, and text the classifier would now call off the subject.
    const rewritten = { title: "Ottawa Senators sign new goalie", description: "A three-year deal for the netminder." };
    rolling = [{ ...report(1), ...rewritten }];

    const again = await fetchFeed(feed, { store, fetcher, clock });

    expect(first.summary).toMatchObject({ fresh: 1, relevant: 1 });
    expect(again.summary).toMatchObject({ fresh: 0, duplicate: 1, relevant: 0, events: [] });
    const after = await store.getItem(before?.item.id ?? "");
    expect(after).toEqual({
      ...before,
      item: { ...before?.item, title: rewritten.title, summary: rewritten.description },
    });
    expect(after?.verdict.relevant).toBe(true);
    expect(await store.getStory(story?.id ?? "")).toEqual(story);
  });

  it("counts an edit it cannot write as a failed entry, recorded, and still stores the feed's new items", async () => {
    const { feed } = await store.addFeed(server.url("/rolling.xml"), NOW.toISOString());
    rolling = [report(1), report(2)];
    await fetchFeed(feed, { store, fetcher, clock });
    rolling = [{ ...report(1), title: "Deminers clear a second village field" }, report(2), report(3), report(4)];
    const busy = new Proxy(store, {
      get(target, property) {
        if (property === "updateItemText") return async () => Promise.reject(new Error("database is locked"));
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });

    const again = await fetchFeed(feed, { store: busy, fetcher, clock });

    // As for any entry that could not be read or stored: the fetch is recorded as an error, the rest kept.
    expect(again.error).toMatchObject({
      kind: "internal",
      message: "1 of 4 entries could not be read: database is locked",
    });
    expect(again.summary).toMatchObject({ fresh: 2, duplicate: 1, failed: 1 });
    const titles = (await store.listItems({ limit: 10, feedId: feed.id })).data.map((stored) => stored.item.title);
    expect(titles.sort()).toEqual([1, 2, 3, 4].map((n) => report(n).title).sort());
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
