import type { Clock, Fetcher, Store } from "@treatywatch/core";
import { HttpFetcher } from "@treatywatch/http";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rss, startTestServer, type TestServer } from "../test/feed-server.ts";
import { fetchFeed } from "./fetch-feed.ts";
import { coalesceStoryEvents } from "./ingest.ts";
import { pollDueFeeds, pollFeeds } from "./poll.ts";

const NOW = new Date("2025-06-30T12:00:00Z");
const clock: Clock = { now: () => NOW };

const item = (n: number, link = `https://wire.example/a/${n}`) => ({
  guid: `g-${n}`,
  title: `Deminers clear minefield number ${n} near Izium, Ukraine`,
  link,
  pubDate: "Sun, 29 Jun 2025 10:00:00 GMT",
});

const XHTML_ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><id>tag:atom,2025:1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Landmine <b>clearance</b> in Ukraine</div></title>
<link href="https://atom.example/1"/><updated>2025-06-29T10:00:00Z</updated></entry></feed>`;

/** The store with one method that throws when `failure` gives an error: a stand-in for any failure inside the pipeline. */
function throwingOn<Method extends "saveIngest" | "recordFetch">(
  store: Store,
  method: Method,
  failure: (...args: Parameters<Store[Method]>) => Error | undefined,
): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property !== method) return value.bind(target);
      return async (...args: Parameters<Store[Method]>) => {
        const error = failure(...args);
        if (error) throw error;
        return value.apply(target, args);
      };
    },
  });
}

let episodes = Array.from({ length: 131 }, (_, n) => item(n, "https://podcast.example/"));
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
    "/good.xml": (_request, response) =>
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(rss("Good Wire", [item(1), item(2)])),
    "/bad.xml": (_request, response) =>
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(rss("Bad Wire", [item(3), item(4)])),
    "/xhtml.atom": (_request, response) =>
      response.writeHead(200, { "content-type": "application/atom+xml" }).end(XHTML_ATOM),
    "/damaged.xml": (_request, response) => {
      const [head, tail] = rss("Damaged Wire", [item(5)]).split("minefield");
      response
        .writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" })
        .end(Buffer.concat([Buffer.from(head ?? ""), Buffer.from([0xff, 0xfe]), Buffer.from(`minefield${tail}`)]));
    },
    "/podcast.xml": (_request, response) =>
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(rss("Podcast", episodes)),
    "/big.xml": (request, response) => {
      if (request.headers["if-none-match"] === '"big"') return void response.writeHead(304).end();
      response.writeHead(200, { "content-type": "application/rss+xml", etag: '"big"' }).end(
        rss(
          "Big Wire",
          Array.from({ length: 25 }, (_, n) => item(n)),
        ),
      );
    },
  });
});

afterEach(async () => {
  await server.close();
  await store.close();
});

describe("one feed's failure stays that feed's", () => {
  it("records a feed that makes the pipeline throw as its own internal error, and ingests the others of the tick", async () => {
    const bad = (await store.addFeed(server.url("/bad.xml"), NOW.toISOString())).feed;
    await store.addFeed(server.url("/good.xml"), NOW.toISOString());
    await store.addFeed(server.url("/xhtml.atom"), NOW.toISOString());

    const failing = throwingOn(store, "saveIngest", (write) =>
      write.stored.item.feedId === bad.id ? new TypeError("html.includes is not a function") : undefined,
    );

    const outcomes = await pollDueFeeds({ store: failing, fetcher, clock });

    const byUrl = Object.fromEntries(outcomes.map((outcome) => [new URL(outcome.url).pathname, outcome]));
    expect(byUrl["/good.xml"]).toMatchObject({ status: "ok", summary: { fresh: 2 } });
    expect(byUrl["/xhtml.atom"]).toMatchObject({ status: "ok", summary: { fresh: 1 } });
    expect(byUrl["/bad.xml"]).toMatchObject({
      status: "error",
      error: {
        kind: "internal",
        message: "2 of 2 entries could not be read: TypeError: html.includes is not a function",
      },
    });
    expect((await store.getFeed(bad.id))?.health).toMatchObject({
      consecutiveFailures: 1,
      lastError: { kind: "internal" },
    });
    const titles = (await store.listItems({ limit: 10 })).data.map((stored) => stored.item.title);
    expect(titles).toContain("Landmine clearance in Ukraine");
    expect(titles).toHaveLength(3);
  });

  it("records a fetcher that throws as the feed's internal error", async () => {
    const { feed } = await store.addFeed("https://unreachable.example/feed.xml", NOW.toISOString());
    const throwing: Fetcher = {
      fetch: async () => {
        throw new RangeError("Invalid time value");
      },
    };

    const outcome = await fetchFeed(feed, { store, fetcher: throwing, clock });

    expect(outcome).toMatchObject({
      status: "error",
      error: { kind: "internal", message: "RangeError: Invalid time value" },
    });
    expect((await store.getFeed(feed.id))?.health.lastError).toEqual(outcome.error);
  });

  it("gives a feed whose error cannot even be recorded an outcome of its own, and polls the rest", async () => {
    const { feed: broken } = await store.addFeed("https://broken.example/feed.xml", NOW.toISOString());
    const { feed: good } = await store.addFeed(server.url("/good.xml"), NOW.toISOString());
    const unrecordable = throwingOn(store, "recordFetch", (feedId) =>
      feedId === broken.id ? new Error("database is locked") : undefined,
    );

    const outcomes = await pollFeeds([broken, good], { store: unrecordable, fetcher, clock });

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["error", "ok"]);
    expect(outcomes[0]).toMatchObject({ unrecorded: true, error: { kind: "internal", message: "database is locked" } });
  });

  it("keeps a feed with invalid bytes and records the damage in its health", async () => {
    const { feed } = await store.addFeed(server.url("/damaged.xml"), NOW.toISOString());

    const outcome = await fetchFeed(feed, { store, fetcher, clock });

    expect(outcome).toMatchObject({ status: "ok", summary: { fresh: 1 } });
    expect((await store.getFeed(feed.id))?.health).toMatchObject({
      lastDamage: { kind: "encoding", message: "2 invalid UTF-8 sequences replaced with U+FFFD" },
      lastDamageAt: NOW.toISOString(),
      consecutiveFailures: 0,
    });
  });
});

describe("entry identity in a feed", () => {
  it("stores 131 episodes with their own GUIDs and the show's home page as link, once each", async () => {
    const { feed } = await store.addFeed(server.url("/podcast.xml"), NOW.toISOString());

    const first = await fetchFeed(feed, { store, fetcher, clock });
    episodes = episodes.map((episode, n) =>
      n === 7 ? { ...episode, title: `${episode.title} (corrected)` } : episode,
    );
    const second = await fetchFeed((await store.getFeed(feed.id)) ?? feed, { store, fetcher, clock });

    expect(first.summary).toMatchObject({ fresh: 131, duplicate: 0 });
    expect(second.summary).toMatchObject({ fresh: 0, duplicate: 131 });
    const stored = await store.listItems({ limit: 200, feedId: feed.id });
    expect(stored.data).toHaveLength(131);
    expect(stored.data.map((entry) => entry.item.title)).toContain(`${item(7).title} (corrected)`);
  });
});

describe("a feed adds at most so many items a tick", () => {
  it("keeps the rest in the store and takes it on the next ticks, without fetching again", async () => {
    await store.addFeed(server.url("/big.xml"), NOW.toISOString());
    const deps = { store, fetcher, clock, maxNewItemsPerTick: 10 };

    const ticks = [];
    for (let tick = 0; tick < 4; tick++) ticks.push((await pollDueFeeds(deps))[0]);

    expect(ticks.map((outcome) => [outcome?.summary.fresh, outcome?.summary.deferred])).toEqual([
      [10, 15],
      [10, 5],
      [5, 0],
      [undefined, undefined],
    ]);
    expect(ticks[1]?.nextPollAt).toBe(NOW.toISOString());
    expect(server.requests).toHaveLength(1);
    expect((await store.listItems({ limit: 100 })).data).toHaveLength(25);
    const feed = (await store.listFeeds())[0];
    expect(feed).toMatchObject({ etag: '"big"', health: { deferred: 0 } });
    expect(Date.parse(feed?.nextPollAt ?? "")).toBeGreaterThan(NOW.getTime());
  });
});

describe("coalesceStoryEvents", () => {
  it("keeps one event a story: the newest version, every change once, created if it began in the tick", () => {
    const events = coalesceStoryEvents([
      { kind: "created", storyId: "s1", version: 1, changes: [] },
      { kind: "updated", storyId: "s2", version: 4, changes: [{ kind: "new-outlet", outlet: "Wire" }] },
      { kind: "updated", storyId: "s1", version: 2, changes: [{ kind: "new-figures", figures: ["7"] }] },
      {
        kind: "updated",
        storyId: "s2",
        version: 5,
        changes: [
          { kind: "new-outlet", outlet: "Wire" },
          { kind: "new-country", country: "UA" },
        ],
      },
    ]);

    expect(events).toEqual([
      { kind: "created", storyId: "s1", version: 2, changes: [{ kind: "new-figures", figures: ["7"] }] },
      {
        kind: "updated",
        storyId: "s2",
        version: 5,
        changes: [
          { kind: "new-outlet", outlet: "Wire" },
          { kind: "new-country", country: "UA" },
        ],
      },
    ]);
  });

  it("drops the events of a story merged in the tick, whichever comes first", () => {
    const merge = {
      kind: "updated" as const,
      storyId: "kept",
      version: 3,
      changes: [{ kind: "new-outlet" as const, outlet: "Wire" }],
      absorbed: ["gone"],
    };
    const created = { kind: "created" as const, storyId: "gone", version: 1, changes: [] };

    expect(coalesceStoryEvents([created, merge])).toEqual([merge]);
    expect(coalesceStoryEvents([merge, created])).toEqual([merge]);
  });
});
