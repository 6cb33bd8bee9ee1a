import type { Subscription } from "@treatywatch/core";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./schema.ts";
import { SqliteSubscriptionStore } from "./subscriptions.ts";

function aSubscription(overrides: Partial<Subscription> = {}): Subscription {
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

const storeOf = () => new SqliteSubscriptionStore(openDatabase(":memory:"));

describe("SqliteSubscriptionStore", () => {
  it("confirms once, and never after the token expires", async () => {
    const store = storeOf();
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

    expect(first?.status).toBe("active");
    expect(again).toBeUndefined();
    expect(late).toBeUndefined();
    expect((await store.getSubscription("tnt_a", "sub_2"))?.status).toBe("pending");
  });

  it("keeps the old signing secret valid only until the overlap ends", async () => {
    const store = storeOf();
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
    expect(after.map((secret) => secret.secret)).toEqual(["whsec_new"]);
  });

  it("never shows one tenant's subscription to another", async () => {
    const store = storeOf();
    await store.createSubscription(aSubscription(), { unsubscribeToken: "u1" });

    expect(await store.getSubscription("tnt_b", "sub_1")).toBeUndefined();
    expect(await store.deleteSubscription("tnt_b", "sub_1")).toBe(false);
    expect(await store.updateSubscription(aSubscription({ tenantId: "tnt_b", status: "paused" }))).toBe(false);
    expect((await store.listSubscriptions("tnt_b", { limit: 10 })).data).toEqual([]);
  });
});
