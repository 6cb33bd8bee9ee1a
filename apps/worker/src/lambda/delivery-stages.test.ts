import { type Clock, type Story, type Subscription, silentLogger } from "@treatywatch/core";
import type { SqsRecord } from "@treatywatch/queue/sqs";
import { openDatabase, SqliteSuppressionList } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryHarness, story, subscription } from "../../test/delivery-fixtures.ts";
import { cachedMatchIndex, consumeMatchBatch, MATCH_INDEX_MAX_AGE_MS } from "./match.ts";
import { encodeStoryEvent } from "./messages.ts";
import { consumeSuppressionBatch } from "./suppressions.ts";
import { BadTickError, parseTick, runTick } from "./tick.ts";

const record = (messageId: string, body: string): SqsRecord => ({ messageId, body });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("cachedMatchIndex", () => {
  it("reads the subscriptions once while the index is fresh, and again once it is old", async () => {
    let now = 0;
    const clock: Clock = { now: () => new Date(now) };
    const reads: number[] = [];
    const index = cachedMatchIndex(async () => {
      reads.push(now);
      return [subscription("sub_1")];
    }, clock);

    await Promise.all([index(), index()]);
    now = MATCH_INDEX_MAX_AGE_MS - 1;
    await index();
    now = MATCH_INDEX_MAX_AGE_MS;
    const rebuilt = await index();

    expect(reads).toEqual([0, MATCH_INDEX_MAX_AGE_MS]);
    expect(rebuilt.match(story("st_1")).map((match) => match.subscription.id)).toEqual(["sub_1"]);
  });

  it("reads again after a failed read instead of keeping the failure", async () => {
    const clock: Clock = { now: () => new Date(0) };
    let calls = 0;
    const index = cachedMatchIndex(async (): Promise<Subscription[]> => {
      calls++;
      if (calls === 1) throw new Error("table unavailable");
      return [];
    }, clock);

    await expect(index()).rejects.toThrow("table unavailable");
    await expect(index()).resolves.toBeDefined();
    expect(calls).toBe(2);
  });
});

describe("consumeMatchBatch", () => {
  function arrange(stories: Story[], subscriptions: Subscription[]) {
    const harness = deliveryHarness({});
    const byId = new Map(stories.map((s) => [s.id, s]));
    const deps = {
      store: { getStory: async (id: string) => byId.get(id) },
      index: cachedMatchIndex(async () => subscriptions, harness.clock),
      deliveries: harness.deliveries,
      queue: harness.queue,
      clock: harness.clock,
      logger: silentLogger,
    };
    return { harness, deps };
  }

  it("records and queues one delivery per instant subscriber, once however often the event comes", async () => {
    const { harness, deps } = arrange(
      [story("st_1")],
      [
        subscription("sub_1"),
        subscription("sub_2"),
        subscription("sub_digest", { cadence: { kind: "daily", hour: 8, timeZone: "UTC" } }),
      ],
    );
    const created = record("m-1", encodeStoryEvent({ kind: "created", storyId: "st_1", version: 1, changes: [] }));

    const first = await consumeMatchBatch([created], deps);
    const again = await consumeMatchBatch([{ ...created, messageId: "m-2" }], deps);

    expect([first, again]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const queued = await harness.queue.receive({ max: 10 });
    expect(queued).toHaveLength(2);
    expect((await harness.deliveries.forSubscription("sub_1", 10)).map((d) => d.kind)).toEqual(["alert"]);
    expect(await harness.deliveries.forSubscription("sub_digest", 10)).toEqual([]);
    await harness.close();
  });

  it("fails only an unreadable record; a story removed meanwhile is not a failure", async () => {
    const { harness, deps } = arrange([story("st_1")], [subscription("sub_1")]);

    const response = await consumeMatchBatch(
      [
        record("m-gone", encodeStoryEvent({ kind: "created", storyId: "st_gone", version: 1, changes: [] })),
        record("m-garbled", "{not json"),
        record("m-ok", encodeStoryEvent({ kind: "created", storyId: "st_1", version: 1, changes: [] })),
      ],
      deps,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-garbled" }]);
    expect(await harness.deliveries.forSubscription("sub_1", 10)).toHaveLength(1);
    await harness.close();
  });
});

describe("delivery tick", () => {
  it.each([
    [{ task: "digests" }, "digests"],
    [{ task: "retries" }, "retries"],
  ])("reads the task of %j", (event, task) => {
    expect(parseTick(event)).toBe(task);
  });

  it.each([[{}], [null], [{ task: "everything" }]])("refuses %j", (event) => {
    expect(() => parseTick(event)).toThrow(BadTickError);
  });

  it("queues the deliveries that fell due, and holds them from the next tick", async () => {
    const harness = deliveryHarness({});
    const at = harness.clock.now().toISOString();
    const sub = subscription("sub_1");
    await harness.deliveries.create({
      id: "dl_1",
      subscriptionId: sub.id,
      tenantId: sub.tenantId,
      kind: "alert",
      eventType: "story.created",
      channel: sub.channel,
      payload: "{}",
      createdAt: at,
      nextAttemptAt: at,
    });
    const deps = {
      store: { listStories: async () => ({ data: [] }) },
      activeSubscriptions: async () => [sub],
      deliveries: harness.deliveries,
      deliveryQueue: harness.queue,
      clock: harness.clock,
      logger: silentLogger,
      unsubscribeUrl: async (id: string) => `https://alerts.example.org/v1/unsubscribe?token=${id}`,
    };

    const first = await runTick("retries", deps);
    const second = await runTick("retries", deps);

    expect([first.queued, second.queued]).toEqual([1, 0]);
    expect((await harness.queue.receive({ max: 10 })).map((m) => JSON.parse(m.body))).toEqual([{ deliveryId: "dl_1" }]);
    await harness.close();
  });
});

describe("consumeSuppressionBatch", () => {
  const sns = (event: object) =>
    JSON.stringify({ Type: "Notification", MessageId: "n1", Message: JSON.stringify(event) });
  const bounce = (bounceType: string, address: string) =>
    sns({ eventType: "Bounce", bounce: { bounceType, bouncedRecipients: [{ emailAddress: address }] } });
  const clock: Clock = { now: () => new Date("2026-03-02T10:00:00.000Z") };

  it("suppresses permanent bounces and complaints, leaves transient bounces, drops the unreadable", async () => {
    const suppressions = new SqliteSuppressionList(openDatabase(":memory:"));

    const response = await consumeSuppressionBatch(
      [
        record("m-1", bounce("Permanent", "gone@example.org")),
        record("m-2", bounce("Transient", "full@example.org")),
        record(
          "m-3",
          sns({ eventType: "Complaint", complaint: { complainedRecipients: [{ emailAddress: "angry@example.org" }] } }),
        ),
        record("m-4", "{not json"),
      ],
      { suppressions, clock, logger: silentLogger },
    );

    expect(response.batchItemFailures).toEqual([]);
    expect((await suppressions.list(10)).map((entry) => [entry.address, entry.reason]).sort()).toEqual([
      ["angry@example.org", "complaint"],
      ["gone@example.org", "bounce"],
    ]);
  });

  it("fails the record when the suppression list cannot be written, so SQS retries it", async () => {
    const suppressions = {
      suppress: async () => Promise.reject(new Error("table unavailable")),
      isSuppressed: async () => false,
    };

    const response = await consumeSuppressionBatch([record("m-1", bounce("Permanent", "gone@example.org"))], {
      suppressions,
      clock,
      logger: silentLogger,
    });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
  });
});
