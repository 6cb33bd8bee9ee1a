import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMatchIndex, type MatchIndex } from "@treatywatch/core";
import { type HttpPoster, OutboxMailer } from "@treatywatch/notify";
import { type ReceiverBehaviour, startWebhookReceiver, type WebhookReceiver } from "@treatywatch/notify/testing";
import { SqliteSubscriptionStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryHarness, newSecret, story, subscription } from "../test/delivery-fixtures.ts";
import {
  deliver,
  type EndpointDisabled,
  enqueueDueDeliveries,
  handleDeliveryBatch,
  handleDeliveryMessage,
  mailSender,
  startDeliveryLoop,
} from "./deliver.ts";
import { matchStory } from "./match.ts";

const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  vi.useRealTimers();
});

/** One webhook subscriber with a receiver, a harness and a story already matched and queued. */
async function arrange(
  behave?: (attempt: number) => ReceiverBehaviour,
  options: {
    wrapPoster?: (poster: HttpPoster) => HttpPoster;
    onEndpointDisabled?: (disabled: EndpointDisabled) => Promise<void>;
  } = {},
) {
  const secret = newSecret();
  const receiver: WebhookReceiver = await startWebhookReceiver(
    secret,
    behave ? (_, attempt) => behave(attempt) : undefined,
  );
  const harness = deliveryHarness({ sub_1: [secret] }, { onEndpointDisabled: options.onEndpointDisabled });
  if (options.wrapPoster) harness.deps.poster = options.wrapPoster(harness.deps.poster);
  cleanups.push(receiver.close, harness.close);
  const index: MatchIndex = buildMatchIndex([
    subscription("sub_1", { channel: { type: "webhook", url: receiver.url } }),
  ]);
  const outcome = await matchStory(story("st_1"), undefined, { ...harness, index });
  const [deliveryId] = harness.deliveries.forSubscription("sub_1", 10).map((delivery) => delivery.id);
  if (!deliveryId) throw new Error("no delivery was created");
  return { ...harness, receiver, index, outcome, deliveryId };
}

describe("deliver", () => {
  it("sends a matched story once, signed, and logs the attempt", async () => {
    const { queue, deps, receiver, deliveries, deliveryId, outcome } = await arrange();

    const [message] = await queue.receive({ max: 1 });
    if (!message) throw new Error("nothing queued");
    const result = await handleDeliveryMessage(message, queue, deps);

    expect(outcome).toEqual({ matched: 1, enqueued: 1 });
    expect(result).toBe("delivered");
    expect(receiver.accepted.map((received) => received.id)).toEqual([deliveryId]);
    expect(JSON.parse(receiver.accepted[0]?.body ?? "{}")).toMatchObject({ type: "story.created", id: deliveryId });
    expect(deliveries.attempts(deliveryId)).toMatchObject([{ attempt: 1, outcome: "delivered", statusCode: 204 }]);
    expect(await queue.receive({ max: 10 })).toEqual([]);
  });

  it("does not send twice when the worker dies after sending but before acking", async () => {
    const { queue, deps, receiver, clock } = await arrange();
    const [first] = await queue.receive({ max: 1, visibilityTimeoutSeconds: 60 });
    if (!first) throw new Error("nothing queued");
    await deliver(JSON.parse(first.body).deliveryId, deps);
    // The worker dies here: the message is never acked.

    clock.advance(61);
    const [again] = await queue.receive({ max: 1 });
    if (!again) throw new Error("the unacked message did not come back");
    const result = await handleDeliveryMessage(again, queue, deps);

    expect(again.id).toBe(first.id);
    expect(result).toBe("skipped");
    expect(receiver.arrivals).toHaveLength(1);
    expect(await queue.receive({ max: 10 })).toEqual([]);
  });

  it("sends again with the same webhook-id when the worker dies between sending and recording", async () => {
    let killed = false;
    const { queue, deps, receiver, clock, deliveryId } = await arrange(undefined, {
      wrapPoster: (poster) => ({
        async post(request) {
          const result = await poster.post(request);
          if (!killed) {
            killed = true;
            throw new Error("worker killed");
          }
          return result;
        },
      }),
    });
    const [first] = await queue.receive({ max: 1 });
    if (!first) throw new Error("nothing queued");
    await expect(handleDeliveryMessage(first, queue, deps)).rejects.toThrow("worker killed");

    clock.advance(61);
    const [again] = await queue.receive({ max: 1 });
    if (!again) throw new Error("the unacked message did not come back");
    const result = await handleDeliveryMessage(again, queue, deps);

    expect(result).toBe("delivered");
    expect(receiver.arrivals.map((arrival) => arrival.id)).toEqual([deliveryId, deliveryId]);
  });

  it("reports only a poisoned record of a Lambda batch as failed", async () => {
    const { deps, receiver, deliveryId } = await arrange();
    const records = [
      { messageId: "m1", body: JSON.stringify({ deliveryId }) },
      { messageId: "m2", body: "not json" },
    ];

    const response = await handleDeliveryBatch(records, deps);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(receiver.accepted.map((received) => received.id)).toEqual([deliveryId]);
  });

  it("retries on the schedule until the endpoint answers, logging every attempt", async () => {
    const { deps, deliveries, deliveryId, clock, receiver } = await arrange((attempt) =>
      attempt < 3 ? { kind: "status", status: 500 } : { kind: "status", status: 200 },
    );
    const start = clock.now().getTime();

    const results = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const due = deliveries.get(deliveryId)?.nextAttemptAt;
      if (due) clock.set(new Date(due));
      results.push(await deliver(deliveryId, deps));
    }

    expect(results).toEqual(["retry", "retry", "delivered"]);
    const log = deliveries.attempts(deliveryId);
    expect(log.map((entry) => [entry.outcome, entry.statusCode])).toEqual([
      ["retry", 500],
      ["retry", 500],
      ["delivered", 200],
    ]);
    expect(log.map((entry) => (Date.parse(entry.at) - start) / 1000)).toEqual([0, 5, 5 + 300]);
    expect(receiver.accepted).toHaveLength(1);
  });

  it("does not attempt before the next attempt is due", async () => {
    const { deps, deliveryId, clock, receiver } = await arrange(() => ({ kind: "status", status: 500 }));
    await deliver(deliveryId, deps);

    clock.advance(2);
    const early = await deliver(deliveryId, deps);

    expect(early).toBe("skipped");
    expect(receiver.arrivals).toHaveLength(1);
  });

  it("waits as long as Retry-After asks", async () => {
    const { deps, deliveries, deliveryId, clock } = await arrange(() => ({
      kind: "status",
      status: 429,
      headers: { "retry-after": "900" },
    }));

    await deliver(deliveryId, deps);

    const due = deliveries.get(deliveryId)?.nextAttemptAt ?? "";
    expect((Date.parse(due) - clock.now().getTime()) / 1000).toBe(900);
  });

  it("disables the endpoint on 410 and sends nothing more to it", async () => {
    const disabled: string[] = [];
    const { deps, deliveries, deliveryId, receiver, queue, index } = await arrange(
      () => ({ kind: "status", status: 410 }),
      { onEndpointDisabled: async (notice) => void disabled.push(notice.subscriptionId) },
    );

    const first = await deliver(deliveryId, deps);
    await matchStory(story("st_2"), undefined, { ...deps, queue, index });
    const second = deliveries.forSubscription("sub_1", 10).find((delivery) => delivery.id !== deliveryId);
    const next = second ? await deliver(second.id, deps) : undefined;

    expect([first, next]).toEqual(["failed", "failed"]);
    expect(disabled).toEqual(["sub_1"]);
    expect(deliveries.endpointHealth("sub_1").disabledReason).toMatch(/410/);
    expect(receiver.arrivals).toHaveLength(1);
  });

  it("disables an endpoint that fails every attempt for three days", async () => {
    const disabled: string[] = [];
    const { deps, deliveries, deliveryId, clock, queue, index } = await arrange(
      () => ({ kind: "status", status: 503 }),
      { onEndpointDisabled: async (notice) => void disabled.push(notice.subscriptionId) },
    );
    const firstFailure = await deliver(deliveryId, deps);

    const later = [];
    for (let day = 1; day <= 3; day++) {
      clock.advance(25 * 3600);
      await matchStory(story(`st_day_${day}`), undefined, { ...deps, queue, index });
      const fresh = deliveries.forSubscription("sub_1", 10).find((delivery) => delivery.attempts === 0);
      if (fresh) later.push(await deliver(fresh.id, deps));
    }

    expect([firstFailure, ...later]).toEqual(["retry", "retry", "retry", "failed"]);
    expect(disabled).toEqual(["sub_1"]);
    expect(deliveries.endpointHealth("sub_1").disabledReason).toMatch(/three days/);
  });

  it("lists an exhausted delivery as failed and replays it", async () => {
    let healthy = false;
    const { deps, deliveries, deliveryId, clock, queue, receiver } = await arrange(() =>
      healthy ? { kind: "status", status: 200 } : { kind: "status", status: 500 },
    );
    deps.random = () => 0; // shortest delays: seven retries take under three days
    for (let attempt = 0; attempt < 8; attempt++) {
      const due = deliveries.get(deliveryId)?.nextAttemptAt;
      if (due) clock.set(new Date(due));
      await deliver(deliveryId, deps);
    }
    const failed = deliveries.failed(10).map((delivery) => delivery.id);

    healthy = true;
    const replayed = deliveries.replay(deliveryId, clock.now().toISOString());
    await queue.receive({ max: 10 }).then((stale) => Promise.all(stale.map((m) => queue.ack(m.receipt))));
    const queued = await enqueueDueDeliveries(queue, deps, { limit: 10, leaseSeconds: 60 });
    const [message] = await queue.receive({ max: 1 });
    const result = message ? await handleDeliveryMessage(message, queue, deps) : undefined;

    expect(failed).toEqual([deliveryId]);
    expect(deliveries.get(deliveryId)?.attempts).toBe(9);
    expect([replayed, queued, result]).toEqual([true, 1, "delivered"]);
    expect(receiver.accepted).toHaveLength(1);
  });
});

describe("deliver by email", () => {
  it("renders the alert into the outbox once, however often the message comes", async () => {
    const outbox = await mkdtemp(join(tmpdir(), "tw-outbox-"));
    const harness = deliveryHarness({});
    cleanups.push(harness.close);
    harness.deps.sendEmail = mailSender(new OutboxMailer(outbox), {
      from: "alerts@alerts.example",
      unsubscribeUrl: async (id) => `https://alerts.example/v1/unsubscribe?token=${id}`,
    });
    const index = buildMatchIndex([
      subscription("sub_mail", { channel: { type: "email", address: "reader@example.org" } }),
    ]);
    await matchStory(story("st_1"), undefined, { ...harness, index });
    const [message] = await harness.queue.receive({ max: 1 });
    if (!message) throw new Error("nothing queued");

    const first = await handleDeliveryMessage(message, harness.queue, harness.deps);
    const again = await deliver(JSON.parse(message.body).deliveryId, harness.deps);
    const files = await readdir(outbox);
    const mail = await readFile(join(outbox, files[0] ?? ""), "utf8");

    expect([first, again]).toEqual(["delivered", "skipped"]);
    expect(files).toHaveLength(1);
    expect(mail).toContain("List-Unsubscribe: <https://alerts.example/v1/unsubscribe?token=sub_mail>");
    expect(mail).toContain("Subject: Lithuania completes withdrawal from the Ottawa Convention");
  });
});

describe("startDeliveryLoop", () => {
  it("sends alerts for ingested stories and the daily digest at its hour, each once", async () => {
    const secret = newSecret();
    const receiver = await startWebhookReceiver(secret);
    const harness = deliveryHarness({});
    const outbox = await mkdtemp(join(tmpdir(), "tw-outbox-"));
    cleanups.push(receiver.close, harness.close);
    const subscriptions = new SqliteSubscriptionStore(harness.db);
    await subscriptions.createSubscription(
      subscription("sub_hook", { channel: { type: "webhook", url: receiver.url }, filter: { countries: ["LT"] } }),
      { secret: { secret, createdAt: "2026-01-01T00:00:00.000Z" }, unsubscribeToken: "tok-hook" },
    );
    await subscriptions.createSubscription(
      subscription("sub_mail", {
        channel: { type: "email", address: "reader@example.org" },
        cadence: { kind: "daily", hour: 8, timeZone: "UTC" },
      }),
      { unsubscribeToken: "tok-mail" },
    );
    const stories = new Map([["st_1", story("st_1", { updatedAt: "2026-03-02T08:30:00.000Z" })]]);
    harness.clock.set(new Date("2026-03-02T09:00:00Z"));
    const loop = startDeliveryLoop(
      {
        store: {
          getStory: async (id) => stories.get(id),
          listStories: async () => ({ data: [...stories.values()] }),
        },
        subscriptions,
        deliveries: harness.deliveries,
        queue: harness.queue,
        poster: harness.deps.poster,
        mailer: new OutboxMailer(outbox),
        mailFrom: "alerts@alerts.example",
        publicUrl: "https://alerts.example",
        clock: harness.clock,
        logger: harness.deps.logger,
      },
      { tickMs: 3_600_000, concurrency: 2 },
    );
    cleanups.push(loop.stop);

    await loop.storyEvents([{ kind: "created", storyId: "st_1" }]);
    await loop.storyEvents([{ kind: "created", storyId: "st_1" }]);
    stories.set("st_1", story("st_1", { version: 2, updatedAt: "2026-03-02T08:30:00.000Z" }));
    await loop.storyEvents([
      { kind: "updated", storyId: "st_1", changes: [{ kind: "new-outlet", outlet: "Baltic Ledger" }] },
    ]);
    harness.clock.set(new Date("2026-03-03T08:00:00Z"));
    await loop.tick();
    await loop.tick();
    const mails = await readdir(outbox);
    const digest = await readFile(join(outbox, mails[0] ?? ""), "utf8");

    expect(receiver.accepted.map((received) => JSON.parse(received.body).type)).toEqual([
      "story.created",
      "story.updated",
    ]);
    expect(mails).toHaveLength(1);
    expect(digest).toContain("Subject: treatywatch digest 2026-03-03: 1 story");
    expect(digest).toContain("https://alerts.example/v1/unsubscribe?token=tok-mail");
  });
});

describe("matchStory", () => {
  it("creates one delivery a subscription and story version, however often it runs", async () => {
    const { deliveries, queue, clock, index } = await arrange();

    const again = await matchStory(story("st_1"), undefined, { deliveries, queue, clock, index });

    expect(again).toEqual({ matched: 1, enqueued: 0 });
    expect(deliveries.forSubscription("sub_1", 10)).toHaveLength(1);
  });

  it("re-notifies on a material update and says what changed; not on an immaterial one", async () => {
    const { deliveries, queue, clock, index } = await arrange();
    const deps = { deliveries, queue, clock, index };
    const before = story("st_1");
    const retitled = story("st_1", { version: 2, title: "Lithuania leaves the Ottawa Convention" });
    const widened = story("st_1", {
      version: 2,
      countries: ["LT", "LV"],
      sources: [...before.sources, { itemId: "i2", outlet: "Baltic Ledger", title: "Baltic exit", feedId: "f2" }],
    });

    const immaterial = await matchStory(retitled, before, deps);
    const material = await matchStory(widened, before, deps);
    const update = deliveries.forSubscription("sub_1", 10).find((delivery) => delivery.eventType === "story.updated");

    expect(immaterial.enqueued).toBe(0);
    expect(material.enqueued).toBe(1);
    expect(JSON.parse(update?.payload ?? "{}").data.changes).toEqual(["outlet: Baltic Ledger", "country: LV"]);
  });

  it("skips subscribers that are not active or not instant", async () => {
    const { deliveries, queue, clock } = await arrange();
    const index = buildMatchIndex([
      subscription("paused", { status: "paused" }),
      subscription("daily", { cadence: { kind: "daily", hour: 8, timeZone: "Europe/Vilnius" } }),
    ]);

    const outcome = await matchStory(story("st_9"), undefined, { deliveries, queue, clock, index });

    expect(outcome.enqueued).toBe(0);
  });
});
