import { HttpFetcher } from "@treatywatch/http";
import { SqliteStore } from "@treatywatch/store";
import { pollFeeds } from "@treatywatch/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FeedServer, startFeedServer } from "../demo/feed-server.ts";
import { DEMO_FEEDS_DIR } from "./demo.ts";

describe("the offline demo", () => {
  let server: FeedServer;
  let store: SqliteStore;

  beforeAll(async () => {
    server = await startFeedServer(DEMO_FEEDS_DIR);
    store = new SqliteStore(":memory:");
    const now = new Date("2026-03-01T00:00:00Z");
    for (const url of server.urls) await store.addFeed(url, now.toISOString());
    const fetcher = new HttpFetcher({
      userAgent: "treatywatch-test",
      timeoutMs: 10_000,
      maxBytes: 5_000_000,
      allow: ["127.0.0.1"],
    });
    const outcomes = await pollFeeds(await store.listFeeds(), { store, fetcher, clock: { now: () => now } });
    expect(outcomes.every((outcome) => outcome.status === "ok")).toBe(true);
  });

  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it("serves every format the demo promises", () => {
    const kinds = new Set(server.urls.map((url) => url.split(".").at(-1)));
    expect(kinds).toEqual(new Set(["xml", "atom", "json"]));
  });

  it("yields stories reported by several outlets", async () => {
    const stories = (await store.listStories({ limit: 100 })).data;
    const outlets = stories.map((story) => new Set(story.sources.map((source) => source.outlet)).size);

    expect(Math.max(...outlets)).toBeGreaterThanOrEqual(3);
    expect(outlets.filter((count) => count >= 2).length).toBeGreaterThanOrEqual(5);
  });

  it("keeps the look-alikes out of the stories", async () => {
    const offTopic = (await store.listItems({ limit: 100, relevant: false })).data.map((stored) => stored.item.title);
    const inStories = (await store.listStories({ limit: 100 })).data.flatMap((story) =>
      story.sources.map((source) => source.title),
    );

    expect(offTopic.length).toBeGreaterThanOrEqual(15);
    for (const title of offTopic) expect(inStories).not.toContain(title);
    expect(offTopic.some((title) => /senators/i.test(title))).toBe(true);
  });
});
