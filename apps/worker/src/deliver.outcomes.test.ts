import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMatchIndex, type Channel, type SubscriptionStatus } from "@treatywatch/core";
import { OutboxMailer, SuppressingMailer } from "@treatywatch/notify";
import { startWebhookReceiver } from "@treatywatch/notify/testing";
import { SqliteSubscriptionStore, SqliteSuppressionList } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryHarness, newSecret, recordingLogger, story, subscription } from "../test/delivery-fixtures.ts";
import { deliver, handleDeliveryMessage, mailSender, startDeliveryLoop } from "./deliver.ts";
import { matchStory } from "./match.ts";

const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  vi.useRealTimers();
});

/** A harness whose logger keeps its lines, with one delivery of `payload` to `channel` already recorded. */
async function arrangeDelivery(channel: Channel, options: { payload?: string; secrets?: string[] } = {}) {
  const logger = recordingLogger();
  const harness = deliveryHarness({ sub_1: options.secrets ?? [newSecret()] }, { logger });
  cleanups.push(harness.close);
  const index = buildMatchIndex([subscription("sub_1", { channel })]);
  await matchStory(story("st_1"), undefined, { ...harness, index });
  const [delivery] = harness.deliveries.forSubscription("sub_1", 1);
  if (!delivery) throw new Error("no delivery was created");
  if (options.payload !== undefined) {
    harness.db.prepare("UPDATE deliveries SET payload = ? WHERE id = ?").run(options.payload, delivery.id);
  }
  return { ...harness, logger, deliveryId: delivery.id };
}

async function outboxMailer() {
  const directory = await mkdtemp(join(tmpdir(), "tw-outcomes-"));
  return { directory, mailer: new OutboxMailer(directory) };
}

const mailTo = (mailer: OutboxMailer | SuppressingMailer) =>
  mailSender(mailer, { from: "alerts@alerts.example", unsubscribeUrl: async (id) => `https://a.example/u/${id}` });

describe("a delivery that cannot go out is recorded, never dropped", () => {
  it.each<[string, SubscriptionStatus | undefined, RegExp]>([
    ["deleted", undefined, /the subscription was deleted/],
    ["paused", "paused", /the subscription is paused/],
    ["unsubscribed", "unsubscribed", /the subscription is unsubscribed/],
    ["disabled", "disabled", /the subscription is disabled/],
  ])("fails and logs a delivery whose subscription was %s after matching", async (_case, status, reason) => {
    const secret = newSecret();
    const receiver = await startWebhookReceiver(secret);
    cleanups.push(receiver.close);
    const { deps, deliveries, deliveryId, logger } = await arrangeDelivery(
      { type: "webhook", url: receiver.url },
      { secrets: [secret] },
    );
    deps.subscriptionStatus = async () => status;

    const result = await deliver(deliveryId, deps);

    expect(result).toBe("failed");
    expect(receiver.arrivals).toEqual([]);
    expect(deliveries.get(deliveryId)).toMatchObject({ status: "failed", lastError: expect.stringMatching(reason) });
    expect(deliveries.attempts(deliveryId)).toMatchObject([
      { outcome: "failed", error: expect.stringMatching(reason) },
    ]);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: "warn", message: "delivery not sent" }));
  });

  it("sends a delivery whose subscription is still active", async () => {
    const secret = newSecret();
    const receiver = await startWebhookReceiver(secret);
    cleanups.push(receiver.close);
    const { deps, deliveryId } = await arrangeDelivery({ type: "webhook", url: receiver.url }, { secrets: [secret] });
    deps.subscriptionStatus = async () => "active";

    expect(await deliver(deliveryId, deps)).toBe("delivered");
    expect(receiver.accepted).toHaveLength(1);
  });

  it("fails a webhook delivery that has no signing secret instead of throwing on every retry", async () => {
    const { deps, deliveries, deliveryId } = await arrangeDelivery(
      { type: "webhook", url: "http://127.0.0.1:9/hook" },
      { secrets: [] },
    );

    const result = await deliver(deliveryId, deps);

    expect(result).toBe("failed");
    expect(deliveries.get(deliveryId)?.lastError).toBe("the subscription has no signing secret");
  });

  it("fails an email delivery whose stored event cannot be read, once, without mailing", async () => {
    const { directory, mailer } = await outboxMailer();
    const { deps, deliveries, deliveryId } = await arrangeDelivery(
      { type: "email", address: "reader@example.org" },
      { payload: '{"type":"story.created","data":' },
    );
    deps.sendEmail = mailTo(mailer);

    const first = await deliver(deliveryId, deps);
    const again = await deliver(deliveryId, deps);

    expect([first, again]).toEqual(["failed", "skipped"]);
    expect(deliveries.get(deliveryId)?.lastError).toBe("the delivery's event could not be read");
    expect(await readdir(directory)).toEqual([]);
  });

  it("fails and logs an email delivery to a suppressed address, without mailing", async () => {
    const { directory, mailer } = await outboxMailer();
    const { deps, db, deliveries, deliveryId, logger } = await arrangeDelivery({
      type: "email",
      address: "Bounced@Example.org",
    });
    const suppressions = new SqliteSuppressionList(db);
    await suppressions.suppress("bounced@example.org", "bounce", "2026-03-01T00:00:00.000Z");
    deps.sendEmail = mailTo(new SuppressingMailer(mailer, suppressions));

    const result = await deliver(deliveryId, deps);

    expect(result).toBe("failed");
    expect(deliveries.get(deliveryId)?.lastError).toBe("the address is on the suppression list");
    expect(await readdir(directory)).toEqual([]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "warn", fields: expect.objectContaining({ deliveryId }) }),
    );
  });

  it("logs a message for a delivery that does not exist", async () => {
    const { deps, logger } = await arrangeDelivery({ type: "webhook", url: "http://127.0.0.1:9/hook" });

    const result = await deliver("dlv_unknown", deps);

    expect(result).toBe("skipped");
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "warn", fields: { deliveryId: "dlv_unknown" }, message: expect.any(String) }),
    );
  });

  it("dead-letters a queue message that does not parse after its receive limit", async () => {
    const { deps, queue, clock } = await arrangeDelivery({ type: "webhook", url: "http://127.0.0.1:9/hook" });
    await queue.receive({ max: 10 }).then((queued) => Promise.all(queued.map((m) => queue.ack(m.receipt))));
    await queue.send("not json");

    for (let receive = 0; receive < 6; receive++) {
      const [message] = await queue.receive({ max: 1, visibilityTimeoutSeconds: 1 });
      if (message) await expect(handleDeliveryMessage(message, queue, deps)).rejects.toThrow();
      clock.advance(2);
    }

    expect((await queue.deadLetters(10)).map((letter) => letter.body)).toEqual(["not json"]);
  });

  it("logs a story event whose story is gone", async () => {
    const logger = recordingLogger();
    const harness = deliveryHarness({}, { logger });
    cleanups.push(harness.close);
    const loop = startDeliveryLoop(
      {
        store: { getStory: async () => undefined, listStories: async () => ({ data: [] }) },
        subscriptions: new SqliteSubscriptionStore(harness.db),
        deliveries: harness.deliveries,
        queue: harness.queue,
        poster: harness.deps.poster,
        mailFrom: "alerts@alerts.example",
        publicUrl: "https://alerts.example",
        clock: harness.clock,
        logger,
      },
      { tickMs: 3_600_000, concurrency: 1 },
    );
    cleanups.push(loop.stop);

    await loop.storyEvents([{ kind: "created", storyId: "st_gone" }]);

    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "warn", fields: expect.objectContaining({ storyId: "st_gone" }) }),
    );
  });
});
