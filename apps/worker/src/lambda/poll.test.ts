import { type Clock, silentLogger } from "@treatywatch/core";
import { SqliteQueue } from "@treatywatch/queue";
import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { parseFetchMessage } from "./messages.ts";
import { enqueueDueFeeds } from "./poll.ts";

const NOW = new Date("2025-06-30T12:00:00.000Z");
const clock: Clock = { now: () => NOW };

async function storeWithFeeds(count: number, dueAt: string): Promise<SqliteStore> {
  const store = new SqliteStore(":memory:");
  for (let i = 0; i < count; i++) {
    const { feed } = await store.addFeed(`https://feed${i}.example/rss`, "2025-06-30T00:00:00.000Z");
    await store.recordFetch(feed.id, { nextPollAt: dueAt, at: "2025-06-30T00:00:00.000Z" });
  }
  return store;
}

describe("enqueueDueFeeds", () => {
  it.each([
    [0, 0],
    [3, 3],
    [23, 23],
  ])("sends one fetch message for each of %i due feeds, in batches SQS accepts", async (count, expected) => {
    const store = await storeWithFeeds(count, "2025-06-30T11:59:00.000Z");
    const fetchQueue = new SqliteQueue(store.db, { name: "fetch", maxReceives: 3 });

    const result = await enqueueDueFeeds({ store, fetchQueue, clock, logger: silentLogger }, 100);

    const received = [];
    for (
      let batch = await fetchQueue.receive({ max: 10 });
      batch.length;
      batch = await fetchQueue.receive({ max: 10 })
    ) {
      received.push(...batch);
    }
    const feedIds = received.map((message) => parseFetchMessage(message.body).feedId).sort();
    expect(result.enqueued).toBe(expected);
    expect(feedIds).toEqual((await store.listFeeds()).map((feed) => feed.id).sort());
  });

  it("leaves feeds that are not yet due, and stops at the batch size", async () => {
    const store = await storeWithFeeds(2, "2025-06-30T12:30:00.000Z");
    const due = await storeWithFeeds(5, "2025-06-30T11:00:00.000Z");
    const fetchQueue = new SqliteQueue(store.db, { name: "fetch", maxReceives: 3 });

    const notYet = await enqueueDueFeeds({ store, fetchQueue, clock, logger: silentLogger }, 100);
    const capped = await enqueueDueFeeds({ store: due, fetchQueue, clock, logger: silentLogger }, 4);

    expect(notYet.enqueued).toBe(0);
    expect(capped.enqueued).toBe(4);
  });

  it("enqueues each due feed once between two overlapping ticks, and again once its lease has run out", async () => {
    const store = await storeWithFeeds(7, "2025-06-30T11:59:00.000Z");
    const fetchQueue = new SqliteQueue(store.db, { name: "fetch", maxReceives: 3 });
    const deps = { store, fetchQueue, clock, logger: silentLogger };
    const later: Clock = { now: () => new Date(NOW.getTime() + 600_000) };

    const ticks = await Promise.all([enqueueDueFeeds(deps, 100, 600), enqueueDueFeeds(deps, 100, 600)]);
    const beforeLeaseEnds = await enqueueDueFeeds(
      { ...deps, clock: { now: () => new Date(NOW.getTime() + 599_000) } },
      100,
    );
    const afterLeaseEnds = await enqueueDueFeeds({ ...deps, clock: later }, 100);

    expect(ticks.map((tick) => tick.enqueued).reduce((a, b) => a + b)).toBe(7);
    expect(beforeLeaseEnds.enqueued).toBe(0);
    expect(afterLeaseEnds.enqueued).toBe(7);
  });
});
