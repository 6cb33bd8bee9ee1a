import { describe, expect, it } from "vitest";
import { aDigestDelivery } from "../../../test/deliveries.ts";
import { aKey, aSubscription, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { ErrorSchema } from "../../lib/errors.ts";

describe("digests and deliveries: tenant isolation", () => {
  it.each(["/deliveries", "/digests", "/digests/DIGEST", "/digests/DIGEST?format=html"])(
    "another tenant's subscription%s answers 404",
    async (suffix) => {
      const services = testServices();
      const app = createApp(services);
      const theirs = await aKey(services, "theirs");
      const ours = await aKey(services, "ours");
      const { subscription } = await aSubscription(app, theirs);
      const tenantId = (await services.keys.ensureTenant("theirs", "")).id;
      const digestId = aDigestDelivery(services.deliveries, { id: subscription.id, tenantId });
      const path = `/v1/subscriptions/${subscription.id}${suffix.replace("DIGEST", digestId)}`;

      const response = await app.request(path, { headers: bearer(ours) });
      const owner = await app.request(path, { headers: bearer(theirs) });

      expect(response.status).toBe(404);
      expect(ErrorSchema.parse(await response.json()).error.code).toBe("NOT_FOUND");
      expect(owner.status).toBe(200);
    },
  );

  it("needs a key", async () => {
    const services = testServices();
    const app = createApp(services);
    const { subscription } = await aSubscription(app, await aKey(services));

    const response = await app.request(`/v1/subscriptions/${subscription.id}/digests`);

    expect(response.status).toBe(401);
  });
});
