import { describe, expect, it } from "vitest";
import { aKey, clientFor, storeWithStories, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { deliveredConfirmations } from "../../lib/confirmations.ts";
import {
  CreatedSubscriptionSchema,
  PreviewSchema,
  RotatedSecretSchema,
  SubscriptionPage,
  SubscriptionSchema,
} from "./schema.ts";

async function setUp() {
  const services = testServices();
  const app = createApp(services, { publicUrl: "https://alerts.example.org" });
  const key = await aKey(services);
  return { services, app, client: clientFor(app, key) };
}

const byId = (id: string) => ({ params: { path: { id } } });

const webhook = { type: "webhook" as const, url: "https://hooks.example.org/treatywatch" };
const email = { type: "email" as const, address: "desk@example.org" };

describe("subscriptions through the typed client", () => {
  it("creates an email subscription pending until its single-use link is followed", async () => {
    const { services, app, client } = await setUp();

    const created = await client.POST("/v1/subscriptions", {
      body: {
        channel: email,
        filter: { topics: ["mine-use"], keywords: '"Ottawa Convention" NOT hockey' },
        cadence: { kind: "daily", hour: 8, timeZone: "Europe/Kyiv" },
      },
    });

    expect(created.response.status).toBe(201);
    const { subscription, signingSecret } = CreatedSubscriptionSchema.parse(created.data);
    expect(subscription.status).toBe("pending");
    expect(signingSecret).toBeUndefined();
    const link = services.sentConfirmations[0]?.link ?? "";
    expect(link).toMatch(/^https:\/\/alerts\.example\.org\/v1\/confirm\?token=[\w-]{43}$/);

    const path = link.replace("https://alerts.example.org", "");
    const page = await app.request(path);
    const afterPage = SubscriptionSchema.parse(
      (await client.GET("/v1/subscriptions/{id}", byId(subscription.id))).data,
    );
    const first = await app.request(path, { method: "POST" });
    const second = await app.request(path, { method: "POST" });
    const confirmed = SubscriptionSchema.parse(
      (await client.GET("/v1/subscriptions/{id}", byId(subscription.id))).data,
    );

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect(afterPage.status).toBe("pending");
    expect([first.status, second.status]).toEqual([200, 404]);
    expect(confirmed.status).toBe("active");
  });

  it("does not confirm with a link that has expired", async () => {
    const { services, app, client } = await setUp();
    await client.POST("/v1/subscriptions", { body: { channel: email, cadence: { kind: "instant" } } });
    const path = (services.sentConfirmations[0]?.link ?? "").replace("https://alerts.example.org", "");

    services.clock.advance(49 * 60 * 60 * 1000);
    const late = await app.request(path, { method: "POST" });

    expect(late.status).toBe(404);
  });

  it("gives a webhook its secret once and activates it when the verification ping succeeds", async () => {
    const { services, client } = await setUp();
    const created = CreatedSubscriptionSchema.parse(
      (await client.POST("/v1/subscriptions", { body: { channel: webhook, cadence: { kind: "instant" } } })).data,
    );

    const verified = await client.POST("/v1/subscriptions/{id}/verify", byId(created.subscription.id));

    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    expect(verified.response.status).toBe(200);
    expect(SubscriptionSchema.parse(verified.data).status).toBe("active");
    expect(services.verifications[0]?.secrets.map((s) => s.secret)).toEqual([created.signingSecret]);
  });

  it("keeps a webhook pending, with the reason, when the endpoint does not answer the ping", async () => {
    const { services, client } = await setUp();
    const { subscription } = CreatedSubscriptionSchema.parse(
      (await client.POST("/v1/subscriptions", { body: { channel: webhook, cadence: { kind: "instant" } } })).data,
    );
    services.verifierAnswer = { ok: false, reason: "endpoint answered 500" };

    const verified = await client.POST("/v1/subscriptions/{id}/verify", byId(subscription.id));
    const after = SubscriptionSchema.parse((await client.GET("/v1/subscriptions/{id}", byId(subscription.id))).data);

    expect(verified.response.status).toBe(409);
    expect(verified.error?.error.code).toBe("CONFLICT");
    expect(after.status).toBe("pending");
  });

  it("signs with both secrets during a rotation's overlap, then only with the new one", async () => {
    const { services, client } = await setUp();
    const created = CreatedSubscriptionSchema.parse(
      (await client.POST("/v1/subscriptions", { body: { channel: webhook, cadence: { kind: "instant" } } })).data,
    );
    const id = created.subscription.id;

    const rotated = RotatedSecretSchema.parse(
      (await client.POST("/v1/subscriptions/{id}/rotate-secret", byId(id))).data,
    );
    const during = await services.subscriptions.signingSecrets(id, services.clock.now().toISOString());
    services.clock.advance(25 * 60 * 60 * 1000);
    const after = await services.subscriptions.signingSecrets(id, services.clock.now().toISOString());

    expect(during.map((s) => s.secret)).toEqual([rotated.signingSecret, created.signingSecret]);
    expect(after.map((s) => s.secret)).toEqual([rotated.signingSecret]);
  });

  it("lists with a cursor, updates, pauses, resumes and deletes", async () => {
    const { client } = await setUp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await client.POST("/v1/subscriptions", {
        body: { channel: webhook, cadence: { kind: "instant" } },
      });
      ids.push(CreatedSubscriptionSchema.parse(created.data).subscription.id);
      await client.POST("/v1/subscriptions/{id}/verify", byId(ids[i] ?? ""));
    }
    const id = ids[0] ?? "";

    const first = SubscriptionPage.parse(
      (await client.GET("/v1/subscriptions", { params: { query: { limit: 2 } } })).data,
    );
    const second = SubscriptionPage.parse(
      (await client.GET("/v1/subscriptions", { params: { query: { limit: 2, cursor: first.nextCursor } } })).data,
    );
    const updated = SubscriptionSchema.parse(
      (
        await client.PATCH("/v1/subscriptions/{id}", {
          ...byId(id),
          body: { cadence: { kind: "weekly", weekday: 1, hour: 9, timeZone: "America/New_York" } },
        })
      ).data,
    );
    const paused = SubscriptionSchema.parse((await client.POST("/v1/subscriptions/{id}/pause", byId(id))).data);
    const resumed = SubscriptionSchema.parse((await client.POST("/v1/subscriptions/{id}/resume", byId(id))).data);
    const deleted = await client.DELETE("/v1/subscriptions/{id}", byId(id));
    const gone = await client.GET("/v1/subscriptions/{id}", byId(id));

    expect([...first.data, ...second.data].map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(second.nextCursor).toBeUndefined();
    expect(updated.cadence).toEqual({ kind: "weekly", weekday: 1, hour: 9, timeZone: "America/New_York" });
    expect([paused.status, resumed.status]).toEqual(["paused", "active"]);
    expect([deleted.response.status, gone.response.status]).toEqual([204, 404]);
    expect(gone.error?.error.code).toBe("NOT_FOUND");
  });

  it("previews the stories of the last 30 days a filter matches, with reasons", async () => {
    const { store } = await storeWithStories(3);
    const services = testServices(store);
    const client = clientFor(createApp(services), await aKey(services));

    const matching = PreviewSchema.parse(
      (
        await client.POST("/v1/subscriptions/preview", {
          body: { filter: { countries: ["LV"], keywords: "withdrawal AND Ottawa" } },
        })
      ).data,
    );
    const none = PreviewSchema.parse(
      (await client.POST("/v1/subscriptions/preview", { body: { filter: { keywords: "Senators" } } })).data,
    );
    services.clock.advance(40 * 24 * 60 * 60 * 1000);
    const stale = PreviewSchema.parse(
      (await client.POST("/v1/subscriptions/preview", { body: { filter: { countries: ["LV"] } } })).data,
    );

    expect(matching.data).toHaveLength(3);
    expect(matching.data[0]?.reasons).toEqual(["country: LV", "keywords: withdrawal, Ottawa"]);
    expect(none.data).toEqual([]);
    expect(stale.data).toEqual([]);
  });
});

describe("resending a confirmation", () => {
  async function pendingEmail() {
    const services = testServices();
    services.confirmations = deliveredConfirmations({
      deliveries: services.deliveries,
      clock: services.clock,
      logger: services.logger,
    });
    const client = clientFor(createApp(services), await aKey(services));
    const created = await client.POST("/v1/subscriptions", { body: { channel: email, cadence: { kind: "instant" } } });
    const id = CreatedSubscriptionSchema.parse(created.data).subscription.id;
    return { services, client, id };
  }

  it("records a new confirmation delivery each time, up to five mails in all", async () => {
    const { services, client, id } = await pendingEmail();

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await client.POST("/v1/subscriptions/{id}/resend-confirmation", byId(id))).response.status);
    const confirmations = (await services.deliveries.forSubscription(id, 10)).map((delivery) => delivery.id);

    expect(statuses).toEqual([202, 202, 202, 202, 409]);
    expect(confirmations.sort()).toEqual([1, 2, 3, 4, 5].map((n) => `confirm_${id}_${n}`).sort());
  });

  it("refuses a webhook and a subscription that is no longer pending, saying why", async () => {
    const { services, client, id } = await pendingEmail();
    const hook = CreatedSubscriptionSchema.parse(
      (await client.POST("/v1/subscriptions", { body: { channel: webhook, cadence: { kind: "instant" } } })).data,
    );
    const stored = await services.subscriptions.findSubscription(id);
    if (!stored) throw new Error("the subscription was not stored");
    await services.subscriptions.updateSubscription({ ...stored, status: "active" });

    const forWebhook = await client.POST("/v1/subscriptions/{id}/resend-confirmation", byId(hook.subscription.id));
    const forActive = await client.POST("/v1/subscriptions/{id}/resend-confirmation", byId(id));

    expect(forWebhook.error?.error.message).toMatch(/only email subscriptions/);
    expect(forActive.error?.error).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/is active/) });
  });
});

describe("a disabled webhook", () => {
  /** An active webhook whose endpoint the deliver step has since disabled. */
  async function disabledWebhook() {
    const context = await setUp();
    const { services, client } = context;
    const { subscription } = CreatedSubscriptionSchema.parse(
      (await client.POST("/v1/subscriptions", { body: { channel: webhook, cadence: { kind: "instant" } } })).data,
    );
    await client.POST("/v1/subscriptions/{id}/verify", byId(subscription.id));
    const now = services.clock.now().toISOString();
    services.deliveries.disableEndpoint(subscription.id, "the endpoint answered 410 Gone", now);
    const stored = await services.subscriptions.findSubscription(subscription.id);
    if (!stored) throw new Error("the subscription was not stored");
    await services.subscriptions.updateSubscription({ ...stored, status: "disabled", updatedAt: now });
    return { ...context, id: subscription.id };
  }

  it.each(["verify", "resume"] as const)(
    "is enabled again by %s once the endpoint answers the signed ping",
    async (route) => {
      const { services, client, id } = await disabledWebhook();

      const response = await client.POST(`/v1/subscriptions/{id}/${route}`, byId(id));

      expect(response.response.status).toBe(200);
      expect(SubscriptionSchema.parse(response.data).status).toBe("active");
      expect(services.verifications.map((verification) => verification.subscription.id)).toEqual([id, id]);
      expect(services.deliveries.endpointHealth(id).disabledAt).toBeUndefined();
    },
  );

  it.each(["verify", "resume"] as const)("stays disabled, with the reason, when %s's ping fails", async (route) => {
    const { services, client, id } = await disabledWebhook();
    services.verifierAnswer = { ok: false, reason: "endpoint answered 503" };

    const response = await client.POST(`/v1/subscriptions/{id}/${route}`, byId(id));
    const after = SubscriptionSchema.parse((await client.GET("/v1/subscriptions/{id}", byId(id))).data);

    expect(response.response.status).toBe(409);
    expect(response.error?.error.message).toContain("endpoint answered 503");
    expect(after.status).toBe("disabled");
    expect(services.deliveries.endpointHealth(id).disabledReason).toBe("the endpoint answered 410 Gone");
  });
});
