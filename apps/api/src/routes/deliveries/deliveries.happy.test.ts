import { describe, expect, it } from "vitest";
import { aDigestDelivery } from "../../../test/deliveries.ts";
import { aKey, aSubscription, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { DeliveryList, DigestList, DigestSchema } from "./schema.ts";

async function withDigest() {
  const services = testServices();
  const app = createApp(services);
  const key = await aKey(services);
  const { subscription } = await aSubscription(app, key);
  const tenantId = (await services.keys.ensureTenant("acme", "")).id;
  const digestId = aDigestDelivery(services.deliveries, { id: subscription.id, tenantId });
  return { app, key, subscriptionId: subscription.id, digestId };
}

describe("digests and deliveries", () => {
  it("lists a subscription's digests and its deliveries", async () => {
    const { app, key, subscriptionId, digestId } = await withDigest();

    const digests = DigestList.parse(
      await (await app.request(`/v1/subscriptions/${subscriptionId}/digests`, { headers: bearer(key) })).json(),
    );
    const deliveries = DeliveryList.parse(
      await (await app.request(`/v1/subscriptions/${subscriptionId}/deliveries`, { headers: bearer(key) })).json(),
    );

    expect(digests.data.map((d) => [d.id, d.period, d.status])).toEqual([[digestId, "2025-07-01", "pending"]]);
    expect(deliveries.data.map((d) => [d.id, d.kind, d.attempts])).toEqual([[digestId, "digest", 0]]);
  });

  it.each([
    ["json", "application/json", "Ottawa Convention"],
    ["html", "text/html", "<sup>1</sup>"],
    ["text", "text/plain", "[1]"],
  ])("gets one digest as %s", async (format, type, expected) => {
    const { app, key, subscriptionId, digestId } = await withDigest();

    const response = await app.request(`/v1/subscriptions/${subscriptionId}/digests/${digestId}?format=${format}`, {
      headers: bearer(key),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(type);
    const body = await response.text();
    expect(body).toContain(expected);
    if (format === "json")
      expect(DigestSchema.parse(JSON.parse(body)).subject).toBe("Landmine treaty news for 2025-07-01");
  });
});
