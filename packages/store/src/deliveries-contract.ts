import type { DeliveryStore, EmailSuppressions, NewDelivery } from "@treatywatch/core";
import { describe, expect, it } from "vitest";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 9, minute)).toISOString();

let sequence = 0;

function aDelivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  sequence++;
  return {
    id: `dlv_${sequence}`,
    subscriptionId: "sub_a",
    tenantId: "tnt_a",
    kind: "alert",
    eventType: "story.created",
    channel: { type: "webhook", url: "https://hooks.example/treaty" },
    payload: JSON.stringify({ type: "story.created", sequence }),
    createdAt: at(0),
    ...overrides,
  };
}

const attemptAt = (deliveryId: string, attempt: number, minute: number) => ({
  deliveryId,
  attempt,
  at: at(minute),
  latencyMs: 12.4,
});

/** The behaviour every DeliveryStore adapter shares. */
export function deliveryStoreContract(name: string, open: () => Promise<DeliveryStore>): void {
  describe(`${name} DeliveryStore`, () => {
    it("records a delivery once: its id is the idempotency key", async () => {
      const store = await open();
      const delivery = aDelivery();

      const first = await store.create(delivery);
      const again = await store.create({ ...delivery, payload: "{}" });

      expect([first, again]).toEqual([true, false]);
      expect(await store.get(delivery.id)).toEqual({
        ...delivery,
        status: "pending",
        attempts: 0,
        nextAttemptAt: delivery.createdAt,
        deliveredAt: undefined,
        lastError: undefined,
      });
      expect(await store.get("dlv_missing")).toBeUndefined();
    });

    it("lets one caller claim a due delivery, none before it is due, and another after the claim lapses", async () => {
      const store = await open();
      const delivery = aDelivery({ nextAttemptAt: at(5) });
      await store.create(delivery);

      const early = await store.claim(delivery.id, at(4), at(6));
      const first = await store.claim(delivery.id, at(5), at(10));
      const second = await store.claim(delivery.id, at(6), at(11));
      const afterLapse = await store.claim(delivery.id, at(10), at(15));

      expect(early).toBeUndefined();
      expect(first?.id).toBe(delivery.id);
      expect(second).toBeUndefined();
      expect(afterLapse?.id).toBe(delivery.id);
    });

    it("logs attempts in order and moves the delivery from retry to delivered", async () => {
      const store = await open();
      const delivery = aDelivery();
      await store.create(delivery);

      await store.claim(delivery.id, at(0), at(1));
      await store.recordAttempt(
        { ...attemptAt(delivery.id, 1, 0), outcome: "retry", statusCode: 503, error: "HTTP 503" },
        { status: "pending", nextAttemptAt: at(2) },
      );
      const retrying = await store.get(delivery.id);
      const tooSoon = await store.claim(delivery.id, at(1), at(3));
      await store.claim(delivery.id, at(2), at(3));
      await store.recordAttempt(
        { ...attemptAt(delivery.id, 2, 2), outcome: "delivered", statusCode: 204 },
        {
          status: "delivered",
        },
      );

      expect(retrying).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: at(2), lastError: "HTTP 503" });
      expect(tooSoon).toBeUndefined();
      expect(await store.get(delivery.id)).toMatchObject({ status: "delivered", attempts: 2, deliveredAt: at(2) });
      expect(await store.attempts(delivery.id)).toEqual([
        { ...attemptAt(delivery.id, 1, 0), latencyMs: 12, outcome: "retry", statusCode: 503, error: "HTTP 503" },
        { ...attemptAt(delivery.id, 2, 2), latencyMs: 12, outcome: "delivered", statusCode: 204, error: undefined },
      ]);
      expect(await store.claim(delivery.id, at(9), at(10))).toBeUndefined();
    });

    it("queues each due delivery once per hold, the earliest first, and tells when the next falls due", async () => {
      const store = await open();
      const later = aDelivery({ nextAttemptAt: at(30) });
      const due = aDelivery({ nextAttemptAt: at(3) });
      const earliest = aDelivery({ nextAttemptAt: at(1) });
      for (const delivery of [later, due, earliest]) await store.create(delivery);

      const nextDue = await store.nextDueAt();
      const taken = await store.takeDue(at(10), at(12), 10);
      const again = await store.takeDue(at(11), at(13), 10);
      const afterHold = await store.takeDue(at(12), at(14), 1);

      expect(nextDue).toBe(at(1));
      expect(taken).toEqual([earliest.id, due.id]);
      expect(again).toEqual([]);
      expect(afterHold).toEqual([earliest.id]);
    });

    it("keeps failed deliveries as dead letters until replayed, and counts by status", async () => {
      const store = await open();
      const failing = aDelivery();
      const delivered = aDelivery();
      const waiting = aDelivery({ nextAttemptAt: at(50) });
      for (const delivery of [failing, delivered, waiting]) await store.create(delivery);
      await store.recordAttempt(
        { ...attemptAt(failing.id, 1, 1), outcome: "failed", statusCode: 410 },
        { status: "failed", reason: "endpoint gone" },
      );
      await store.recordAttempt({ ...attemptAt(delivered.id, 1, 1), outcome: "delivered" }, { status: "delivered" });

      const dead = await store.failed(10);
      const counts = await store.countByStatus();
      const replayed = await store.replay(failing.id, at(20));
      const replayedTwice = await store.replay(failing.id, at(21));

      expect(dead.map((delivery) => delivery.id)).toEqual([failing.id]);
      expect(dead[0]?.lastError).toBe("endpoint gone");
      expect(counts).toEqual({ pending: 1, delivered: 1, failed: 1 });
      expect([replayed, replayedTwice]).toEqual([true, false]);
      expect(await store.get(failing.id)).toMatchObject({ status: "pending", nextAttemptAt: at(20) });
      expect(await store.failed(10)).toEqual([]);
      expect(await store.replay(delivered.id, at(20))).toBe(false);
    });

    it("shows a subscription only its own delivery log, newest first", async () => {
      const store = await open();
      const older = aDelivery({ subscriptionId: "sub_log", createdAt: at(1) });
      const newer = aDelivery({ subscriptionId: "sub_log", createdAt: at(2), kind: "digest" });
      const another = aDelivery({ subscriptionId: "sub_other", tenantId: "tnt_b", createdAt: at(3) });
      for (const delivery of [older, newer, another]) await store.create(delivery);

      const log = await store.forSubscription("sub_log", 10);
      const limited = await store.forSubscription("sub_log", 1);

      expect(log.map((delivery) => delivery.id)).toEqual([newer.id, older.id]);
      expect(limited.map((delivery) => delivery.id)).toEqual([newer.id]);
      expect(await store.forSubscription("sub_nobody", 10)).toEqual([]);
    });

    it("tracks since when an endpoint fails, clears it on success, and remembers a disable", async () => {
      const store = await open();

      const unknown = await store.endpointHealth("sub_hook");
      const since = await store.endpointFailed("sub_hook", at(1));
      const stillSince = await store.endpointFailed("sub_hook", at(5));
      await store.endpointSucceeded("sub_hook");
      const recovered = await store.endpointHealth("sub_hook");
      await store.disableEndpoint("sub_hook", "failing for three days", at(9));

      expect(unknown).toEqual({
        subscriptionId: "sub_hook",
        failingSince: undefined,
        disabledAt: undefined,
        disabledReason: undefined,
      });
      expect([since, stillSince]).toEqual([at(1), at(1)]);
      expect(recovered.failingSince).toBeUndefined();
      expect(await store.endpointHealth("sub_hook")).toMatchObject({
        disabledAt: at(9),
        disabledReason: "failing for three days",
      });
      expect(await store.endpointFailed("sub_hook", at(10))).toBe(at(10));
    });

    it("disables an endpoint once, and enables it again with a clean record", async () => {
      const store = await open();
      await store.endpointFailed("sub_gone", at(1));

      const first = await store.disableEndpoint("sub_gone", "the endpoint answered 410 Gone", at(2));
      const second = await store.disableEndpoint("sub_gone", "failing for three days", at(3));
      const disabled = await store.endpointHealth("sub_gone");
      const enabled = await store.enableEndpoint("sub_gone");
      const enabledAgain = await store.enableEndpoint("sub_gone");
      const afterEnable = await store.endpointHealth("sub_gone");
      const disabledAfterEnable = await store.disableEndpoint("sub_gone", "failing for three days", at(4));

      expect([first, second]).toEqual([true, false]);
      expect(disabled).toMatchObject({ disabledAt: at(2), disabledReason: "the endpoint answered 410 Gone" });
      expect([enabled, enabledAgain]).toEqual([true, false]);
      expect(afterEnable).toEqual({
        subscriptionId: "sub_gone",
        failingSince: undefined,
        disabledAt: undefined,
        disabledReason: undefined,
      });
      expect(disabledAfterEnable).toBe(true);
      expect(await store.enableEndpoint("sub_never")).toBe(false);
    });
  });
}

/** The behaviour every email suppression list shares. */
export function suppressionListContract(name: string, open: () => Promise<EmailSuppressions>): void {
  describe(`${name} suppression list`, () => {
    it("suppresses an address whatever its case, keeping the first reason", async () => {
      const list = await open();

      await list.suppress(" Reader@Example.org ", "unsubscribed", at(1));
      await list.suppress("reader@example.org", "bounced", at(2));
      await list.suppress("monitor@example.org", "complained", at(0));

      expect(await list.isSuppressed("READER@example.org")).toBe(true);
      expect(await list.isSuppressed("someone@example.org")).toBe(false);
      expect(await list.list(10)).toEqual([
        { address: "monitor@example.org", reason: "complained", at: at(0) },
        { address: "reader@example.org", reason: "unsubscribed", at: at(1) },
      ]);
      expect(await list.list(1)).toHaveLength(1);
    });
  });
}
