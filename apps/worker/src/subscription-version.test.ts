import type { SubscriptionStore } from "@treatywatch/core";
import { startWebhookReceiver } from "@treatywatch/notify/testing";
import { SqliteSubscriptionStore } from "@treatywatch/store";
import { afterEach, describe, expect, it } from "vitest";
import { deliveryHarness, newSecret, story, subscription } from "../test/delivery-fixtures.ts";
import { startDeliveryLoop } from "./deliver.ts";
import { versionedSubscriptions } from "./subscription-version.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Counts reads of the active subscriptions: one read for each time the match index is built. */
function countingReads(inner: SubscriptionStore): { store: SubscriptionStore; reads: () => number } {
  let reads = 0;
  const store: SubscriptionStore = Object.create(inner);
  store.subscriptionsWithStatus = (status) => {
    reads++;
    return inner.subscriptionsWithStatus(status);
  };
  return { store, reads: () => reads };
}

describe("versionedSubscriptions", () => {
  it("moves its version on writes, not on reads", async () => {
    const harness = deliveryHarness({});
    cleanups.push(harness.close);
    const { store, version } = versionedSubscriptions(new SqliteSubscriptionStore(harness.db));
    const sub = subscription("sub_1", { status: "pending" });

    await store.createSubscription(sub, { unsubscribeToken: "tok-1" });
    const afterCreate = version();
    await store.getSubscription(sub.tenantId, sub.id);
    await store.subscriptionsWithStatus("active");
    const afterReads = version();
    await store.updateSubscription({ ...sub, status: "active" });

    expect(afterCreate).toBe(1);
    expect(afterReads).toBe(1);
    expect(version()).toBe(2);
  });
});

describe("startDeliveryLoop with a subscriptions version", () => {
  it("builds the match index once, rebuilds it after a write, and matches the new subscriber", async () => {
    const secret = newSecret();
    const receiver = await startWebhookReceiver(secret);
    const harness = deliveryHarness({});
    cleanups.push(receiver.close, harness.close);
    const versioned = versionedSubscriptions(new SqliteSubscriptionStore(harness.db));
    const counted = countingReads(versioned.store);
    const stories = new Map([
      ["st_1", story("st_1")],
      ["st_2", story("st_2")],
    ]);
    const loop = startDeliveryLoop(
      {
        store: { getStory: async (id) => stories.get(id), listStories: async () => ({ data: [] }) },
        subscriptions: counted.store,
        subscriptionsVersion: versioned.version,
        deliveries: harness.deliveries,
        queue: harness.queue,
        poster: harness.deps.poster,
        mailFrom: "alerts@alerts.example",
        publicUrl: "https://alerts.example",
        clock: harness.clock,
        logger: harness.deps.logger,
      },
      { tickMs: 3_600_000, concurrency: 1 },
    );
    cleanups.push(loop.stop);

    await loop.tick();
    await loop.storyEvents([{ kind: "created", storyId: "st_1" }]);
    const readsBeforeWrite = counted.reads();
    await versioned.store.createSubscription(
      subscription("sub_hook", { channel: { type: "webhook", url: receiver.url } }),
      { secret: { secret, createdAt: "2026-01-01T00:00:00.000Z" }, unsubscribeToken: "tok-hook" },
    );
    await loop.storyEvents([{ kind: "created", storyId: "st_2" }]);
    await loop.tick();

    expect(readsBeforeWrite).toBe(1);
    expect(counted.reads()).toBe(2);
    expect(receiver.accepted.map((received) => JSON.parse(received.body).data.story.id)).toEqual(["st_2"]);
  });
});
