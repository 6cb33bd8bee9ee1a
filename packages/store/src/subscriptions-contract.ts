import type { Subscription, SubscriptionStore } from "@treatywatch/core";
import { describe, expect, it } from "vitest";

export function aSubscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: "sub_1",
    tenantId: "tnt_a",
    channel: { type: "email", address: "reader@example.org" },
    filter: { topics: ["mine-use"] },
    cadence: { kind: "instant" },
    status: "pending",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** Creates subscriptions `sub_<n>` for one tenant, a minute apart, with unsubscribe tokens `u_<n>`. */
async function createMany(store: SubscriptionStore, count: number, tenantId = "tnt_a"): Promise<Subscription[]> {
  const created: Subscription[] = [];
  for (let n = 1; n <= count; n++) {
    const subscription = aSubscription({
      id: `sub_${tenantId}_${n}`,
      tenantId,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    });
    await store.createSubscription(subscription, { unsubscribeToken: `u_${tenantId}_${n}` });
    created.push(subscription);
  }
  return created;
}

/** The behaviour every SubscriptionStore adapter shares. */
export function subscriptionStoreContract(name: string, open: () => Promise<SubscriptionStore>): void {
  describe(`${name} SubscriptionStore`, () => {
    it("reads back what it created, within its tenant and by id alone", async () => {
      const store = await open();
      const subscription = aSubscription();

      await store.createSubscription(subscription, { unsubscribeToken: "u1" });

      expect(await store.getSubscription("tnt_a", "sub_1")).toEqual(subscription);
      expect(await store.findSubscription("sub_1")).toEqual(subscription);
      expect(await store.findSubscription("sub_missing")).toBeUndefined();
    });

    it("never shows one tenant's subscription to another", async () => {
      const store = await open();
      await store.createSubscription(aSubscription(), { unsubscribeToken: "u1" });

      expect(await store.getSubscription("tnt_b", "sub_1")).toBeUndefined();
      expect(await store.deleteSubscription("tnt_b", "sub_1")).toBe(false);
      expect(await store.updateSubscription(aSubscription({ tenantId: "tnt_b", status: "paused" }))).toBe(false);
      expect((await store.listSubscriptions("tnt_b", { limit: 10 })).data).toEqual([]);
      expect((await store.getSubscription("tnt_a", "sub_1"))?.status).toBe("pending");
    });

    it("lists a tenant's subscriptions newest first, page by page", async () => {
      const store = await open();
      const created = await createMany(store, 5);
      await createMany(store, 2, "tnt_b");

      const first = await store.listSubscriptions("tnt_a", { limit: 2 });
      const second = await store.listSubscriptions("tnt_a", { limit: 2, cursor: first.nextCursor });
      const third = await store.listSubscriptions("tnt_a", { limit: 2, cursor: second.nextCursor });

      const ids = [...first.data, ...second.data, ...third.data].map((subscription) => subscription.id);
      expect(ids).toEqual(created.map((subscription) => subscription.id).reverse());
      expect(third.nextCursor).toBeUndefined();
    });

    it("updates and deletes within the tenant; a deleted subscription is gone", async () => {
      const store = await open();
      await store.createSubscription(aSubscription(), { unsubscribeToken: "u1" });
      const paused = aSubscription({ status: "paused", updatedAt: "2026-01-02T00:00:00.000Z" });

      expect(await store.updateSubscription(paused)).toBe(true);
      expect(await store.getSubscription("tnt_a", "sub_1")).toEqual(paused);
      expect(await store.deleteSubscription("tnt_a", "sub_1")).toBe(true);
      expect(await store.deleteSubscription("tnt_a", "sub_1")).toBe(false);
      expect(await store.findSubscription("sub_1")).toBeUndefined();
      expect(await store.findByUnsubscribeToken("u1")).toBeUndefined();
      expect(await store.updateSubscription(paused)).toBe(false);
    });

    it("finds every subscription in a status, across tenants, and follows status changes", async () => {
      const store = await open();
      const [a1, a2] = await createMany(store, 2);
      const [b1] = await createMany(store, 1, "tnt_b");
      if (!a1 || !a2 || !b1) throw new Error("three subscriptions were created");
      await store.updateSubscription({ ...a2, status: "active" });
      await store.updateSubscription({ ...b1, status: "active" });

      const active = await store.subscriptionsWithStatus("active");
      const pending = await store.subscriptionsWithStatus("pending");

      expect(active.map((subscription) => subscription.id).sort()).toEqual([a2.id, b1.id].sort());
      expect(pending.map((subscription) => subscription.id)).toEqual([a1.id]);
    });

    it("confirms with a token added later, and with an earlier one still unexpired", async () => {
      const store = await open();
      await store.createSubscription(aSubscription(), {
        confirmation: { tokenHash: "first", expiresAt: "2026-01-02T00:00:00.000Z" },
        unsubscribeToken: "u1",
      });
      await store.addConfirmation("sub_1", { tokenHash: "resent", expiresAt: "2026-01-03T00:00:00.000Z" });

      const byResent = await store.confirmSubscription("resent", "2026-01-02T12:00:00.000Z");
      const byFirstLate = await store.confirmSubscription("first", "2026-01-02T12:00:00.000Z");

      expect(byResent?.status).toBe("active");
      expect(byFirstLate).toBeUndefined();
    });

    it("confirms once, and never after the token expires", async () => {
      const store = await open();
      await store.createSubscription(aSubscription(), {
        confirmation: { tokenHash: "h1", expiresAt: "2026-01-02T00:00:00.000Z" },
        unsubscribeToken: "u1",
      });
      await store.createSubscription(aSubscription({ id: "sub_2" }), {
        confirmation: { tokenHash: "h2", expiresAt: "2026-01-02T00:00:00.000Z" },
        unsubscribeToken: "u2",
      });

      const first = await store.confirmSubscription("h1", "2026-01-01T01:00:00.000Z");
      const again = await store.confirmSubscription("h1", "2026-01-01T01:00:00.000Z");
      const late = await store.confirmSubscription("h2", "2026-01-03T00:00:00.000Z");

      expect(first).toEqual({ ...aSubscription(), status: "active", updatedAt: "2026-01-01T01:00:00.000Z" });
      expect(again).toBeUndefined();
      expect(late).toBeUndefined();
      expect((await store.getSubscription("tnt_a", "sub_1"))?.status).toBe("active");
      expect((await store.getSubscription("tnt_a", "sub_2"))?.status).toBe("pending");
      expect((await store.subscriptionsWithStatus("active")).map((subscription) => subscription.id)).toEqual(["sub_1"]);
    });

    it("keeps the old signing secret valid only until the overlap ends", async () => {
      const store = await open();
      await store.createSubscription(aSubscription({ channel: { type: "webhook", url: "https://hooks.example/x" } }), {
        secret: { secret: "whsec_old", createdAt: "2026-01-01T00:00:00.000Z" },
        unsubscribeToken: "u1",
      });

      await store.rotateSigningSecret(
        "sub_1",
        { secret: "whsec_new", createdAt: "2026-01-05T00:00:00.000Z" },
        "2026-01-06T00:00:00.000Z",
      );

      const during = await store.signingSecrets("sub_1", "2026-01-05T12:00:00.000Z");
      const after = await store.signingSecrets("sub_1", "2026-01-06T00:00:01.000Z");
      expect(during.map((secret) => secret.secret)).toEqual(["whsec_new", "whsec_old"]);
      expect(after).toEqual([{ secret: "whsec_new", createdAt: "2026-01-05T00:00:00.000Z" }]);
      expect(await store.signingSecrets("sub_other", "2026-01-05T12:00:00.000Z")).toEqual([]);
    });

    it("finds a subscription by its unsubscribe token, and tells its token", async () => {
      const store = await open();
      const [subscription] = await createMany(store, 2);

      expect(await store.findByUnsubscribeToken("u_tnt_a_1")).toEqual(subscription);
      expect(await store.unsubscribeToken(subscription?.id ?? "")).toBe("u_tnt_a_1");
      expect(await store.findByUnsubscribeToken("u_unknown")).toBeUndefined();
      expect(await store.unsubscribeToken("sub_missing")).toBeUndefined();
    });
  });
}
