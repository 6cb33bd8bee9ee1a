import { describe, expect, it } from "vitest";
import type { Subscription, SubscriptionStatus } from "./subscription.ts";
import { changeStatus, isTimeZone, type StatusChange } from "./subscription-lifecycle.ts";

const NOW = "2026-03-01T12:00:00.000Z";

function aSubscription(status: SubscriptionStatus): Subscription {
  return {
    id: "sub_1",
    tenantId: "tnt_1",
    channel: { type: "email", address: "reader@example.org" },
    filter: {},
    cadence: { kind: "instant" },
    status,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("changeStatus", () => {
  it.each<[SubscriptionStatus, StatusChange, SubscriptionStatus | "refused"]>([
    ["active", "pause", "paused"],
    ["paused", "pause", "paused"],
    ["pending", "pause", "refused"],
    ["paused", "resume", "active"],
    ["pending", "resume", "refused"],
    ["unsubscribed", "resume", "refused"],
    ["active", "unsubscribe", "unsubscribed"],
    ["pending", "unsubscribe", "unsubscribed"],
  ])("%s then %s gives %s", (from, change, expected) => {
    const result = changeStatus(aSubscription(from), change, NOW);

    expect(result.ok ? result.subscription.status : "refused").toBe(expected);
  });

  it("stamps the change time only when the status changes", () => {
    const paused = changeStatus(aSubscription("active"), "pause", NOW);
    const same = changeStatus(aSubscription("paused"), "pause", NOW);

    expect(paused.ok && paused.subscription.updatedAt).toBe(NOW);
    expect(same.ok && same.subscription.updatedAt).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("isTimeZone", () => {
  it.each([
    ["Europe/Kyiv", true],
    ["America/New_York", true],
    ["UTC", true],
    ["Mars/Olympus_Mons", false],
    ["", false],
  ])("%s: %s", (name, expected) => {
    expect(isTimeZone(name)).toBe(expected);
  });
});
