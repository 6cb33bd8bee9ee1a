import { createHash } from "node:crypto";
import { buildMatchIndex } from "@treatywatch/core";
import { type ReceiverBehaviour, startWebhookReceiver, type WebhookReceiver } from "@treatywatch/notify/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deliveryHarness, newSecret, story, subscription } from "../test/delivery-fixtures.ts";
import { enqueueDueDeliveries, handleDeliveryMessage } from "./deliver.ts";
import { matchStory } from "./match.ts";

/** 2,000 by default; `TREATYWATCH_SOAK_DELIVERIES=10000` for the full soak. */
const DELIVERIES = Number(process.env.TREATYWATCH_SOAK_DELIVERIES ?? 2000);
const ENDPOINTS = 20;
const STORIES = Math.ceil(DELIVERIES / ENDPOINTS);
const WORKERS = 8;

/** Deterministic per webhook-id and attempt: the first three attempts fail 30 % of the time. */
function behaviour(id: string, attempt: number): ReceiverBehaviour {
  const roll = createHash("sha256").update(`${id}#${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
  if (attempt > 3 || roll >= 0.3) return { kind: "status", status: 200 };
  if (roll < 0.15) return { kind: "status", status: roll < 0.07 ? 500 : 503 };
  if (roll < 0.25) return { kind: "reset" };
  return { kind: "hang" };
}

describe(`soak: ${DELIVERIES} webhook deliveries to endpoints failing at random`, () => {
  let receivers: WebhookReceiver[] = [];
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    vi.useRealTimers();
  });

  it("delivers every one exactly once, each verified by standardwebhooks", { timeout: 300_000 }, async () => {
    const secrets = Array.from({ length: ENDPOINTS }, () => newSecret());
    receivers = await Promise.all(secrets.map((secret) => startWebhookReceiver(secret, (r, n) => behaviour(r.id, n))));
    const harness = deliveryHarness(Object.fromEntries(secrets.map((secret, n) => [`sub_${n}`, [secret]])), {
      random: Math.random,
      webhookTimeoutMs: 500,
    });
    const { queue, deps, deliveries, clock } = harness;
    const index = buildMatchIndex(
      receivers.map((receiver, n) => subscription(`sub_${n}`, { channel: { type: "webhook", url: receiver.url } })),
    );
    for (let n = 0; n < STORIES; n++) await matchStory(story(`st_${n}`), undefined, { ...harness, index });
    const started = performance.now();

    const work = async () => {
      for (;;) {
        const messages = await queue.receive({ max: 10, visibilityTimeoutSeconds: 120 });
        if (messages.length === 0) return;
        await Promise.all(messages.map((message) => handleDeliveryMessage(message, queue, deps)));
      }
    };
    let rounds = 0;
    for (; rounds < 20; rounds++) {
      await Promise.all(Array.from({ length: WORKERS }, work));
      const due = deliveries.nextDueAt();
      if (!due) break;
      // Jitter spreads one retry step over ±20 %: jump far enough to take the whole band.
      const now = clock.now().getTime();
      clock.set(new Date(Date.parse(due) + (Date.parse(due) - now) * 0.5));
      await enqueueDueDeliveries(queue, deps, { limit: DELIVERIES, leaseSeconds: 600 });
    }
    const seconds = (performance.now() - started) / 1000;
    const expected = new Set(harness.db.prepare("SELECT id FROM deliveries").pluck().all() as string[]);
    const statuses = deliveries.countByStatus();
    const timeouts = harness.db
      .prepare("SELECT COUNT(*) FROM delivery_attempts WHERE error LIKE 'timeout%'")
      .pluck()
      .get() as number;
    await harness.close();

    const accepted = receivers.flatMap((receiver) => receiver.accepted.map((received) => received.id));
    const arrivals = receivers.reduce((sum, receiver) => sum + receiver.arrivals.length, 0);
    const duplicates = receivers.flatMap((receiver) => receiver.duplicates);
    console.info(
      `soak: ${accepted.length} delivered of ${expected.size} in ${seconds.toFixed(1)} s, ${arrivals} requests, ${rounds} retry rounds, ${duplicates.length} late repeats dropped by webhook-id`,
    );
    expect(expected.size).toBe(STORIES * ENDPOINTS);
    expect(accepted).toHaveLength(expected.size);
    expect(new Set(accepted)).toEqual(expected);
    expect(receivers.flatMap((receiver) => receiver.rejected)).toEqual([]);
    expect(arrivals).toBeGreaterThan(expected.size);
    // A repeat is only ever a retry after the sender gave up waiting for an answer that came late.
    expect(duplicates.length).toBeLessThanOrEqual(timeouts);
    expect(statuses).toEqual({ pending: 0, delivered: expected.size, failed: 0 });
  });
});
