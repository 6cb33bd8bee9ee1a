import type { Clock } from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addFeedCommand,
  type FeedHealthReport,
  type FeedsOutput,
  feedHealthCommand,
  listFeedsCommand,
  removeFeedCommand,
} from "./feeds.ts";

const NOW = new Date("2025-06-30T12:00:00Z");
const clock: Clock = { now: () => NOW };

function capture(): FeedsOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => void lines.push(line), err: (line) => void errors.push(line) };
}

describe("treatywatch feeds", () => {
  let store: SqliteStore;

  beforeEach(() => {
    store = new SqliteStore(":memory:");
  });

  afterEach(async () => {
    await store.close();
  });

  it("adds a feed in normal form, then refuses the same feed spelt differently", async () => {
    const first = capture();
    const again = capture();

    const added = await addFeedCommand({ store, clock }, "https://News.Example/feed.xml", first);
    const duplicate = await addFeedCommand({ store, clock }, "https://news.example/feed.xml#latest", again);

    expect([added, duplicate]).toEqual([0, 1]);
    expect(first.lines[0]).toMatch(/^fd_\S+\thttps:\/\/news\.example\/feed\.xml$/);
    expect(again.errors[0]).toMatch(/already added/);
    expect(await store.listFeeds()).toHaveLength(1);
  });

  it.each([["not a url"], ["ftp://news.example/feed"], ["https://me:pw@news.example/feed"]])(
    "refuses %j with a message and adds nothing",
    async (input) => {
      const io = capture();

      const code = await addFeedCommand({ store, clock }, input, io);

      expect(code).toBe(2);
      expect(io.errors[0]).toMatch(/^treatywatch feeds: /);
      expect(await store.listFeeds()).toEqual([]);
    },
  );

  it("lists and removes feeds by URL or id", async () => {
    const { feed } = await store.addFeed("https://a.example/rss", NOW.toISOString());
    await store.addFeed("https://b.example/rss", NOW.toISOString());
    const io = capture();

    const byId = await removeFeedCommand({ store, clock }, feed.id, io);
    const byUrl = await removeFeedCommand({ store, clock }, "https://b.example/rss", io);
    const missing = await removeFeedCommand({ store, clock }, "https://c.example/rss", io);
    await listFeedsCommand({ store, clock }, { json: true }, io);

    expect([byId, byUrl, missing]).toEqual([0, 0, 1]);
    expect(io.errors).toEqual(["treatywatch feeds: no feed https://c.example/rss"]);
    expect(io.lines.at(-1)).toBe("[]");
  });

  it("reports health: last error and its kind, failures in a row and the next attempt", async () => {
    const { feed } = await store.addFeed("https://down.example/rss", NOW.toISOString());
    await store.recordFetch(feed.id, {
      error: { kind: "refused-address", message: "down.example resolves to a refused address: private-use" },
      nextPollAt: "2025-06-30T12:05:00.000Z",
      at: NOW.toISOString(),
    });
    await store.addFeed("https://new.example/rss", NOW.toISOString());
    const io = capture();

    await feedHealthCommand({ store, clock }, { json: true, failing: true }, io);

    const reports = JSON.parse(io.lines[0] ?? "[]") as FeedHealthReport[];
    expect(reports).toEqual([
      expect.objectContaining({
        url: "https://down.example/rss",
        state: "failing",
        consecutiveFailures: 1,
        lastError: expect.objectContaining({ kind: "refused-address" }),
        nextAttemptAt: "2025-06-30T12:05:00.000Z",
      }),
    ]);
  });
});
