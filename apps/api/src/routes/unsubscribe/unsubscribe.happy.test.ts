import { describe, expect, it } from "vitest";
import { aKey, aSubscription, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { SubscriptionSchema } from "../subscriptions/schema.ts";

async function subscribed() {
  const services = testServices();
  const app = createApp(services);
  const key = await aKey(services);
  const { subscription } = await aSubscription(app, key);
  const token = (await services.subscriptions.unsubscribeToken(subscription.id)) ?? "";
  const status = async () =>
    SubscriptionSchema.parse(
      await (await app.request(`/v1/subscriptions/${subscription.id}`, { headers: bearer(key) })).json(),
    ).status;
  return { app, token, status };
}

describe("RFC 8058 one-click unsubscribe", () => {
  it("shows a page with a button on GET and changes nothing", async () => {
    const { app, token, status } = await subscribed();

    const page = await app.request(`/v1/unsubscribe?token=${token}`);

    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await status()).toBe("pending");
  });

  it("unsubscribes on a POST of List-Unsubscribe=One-Click with no key or cookie", async () => {
    const { app, token, status } = await subscribed();

    const response = await app.request(`/v1/unsubscribe?token=${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });

    expect(response.status).toBe(200);
    expect(await status()).toBe("unsubscribed");
  });

  it("answers 404 to a token it never issued", async () => {
    const { app } = await subscribed();

    const response = await app.request(`/v1/unsubscribe?token=${"x".repeat(43)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });

    expect(response.status).toBe(404);
  });
});
