import { afterEach, describe, expect, it, vi } from "vitest";
import { aKey, aSubscription, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { ErrorSchema } from "../../lib/errors.ts";

async function twoTenants(options: Parameters<typeof createApp>[1] = {}) {
  const services = testServices();
  const app = createApp(services, options);
  const ours = await aKey(services, "ours");
  const theirs = await aKey(services, "theirs");
  const { subscription } = await aSubscription(app, theirs);
  return { services, app, ours, theirs, theirId: subscription.id };
}

describe("subscriptions: tenant isolation", () => {
  it.each([
    ["GET", ""],
    ["PATCH", ""],
    ["DELETE", ""],
    ["POST", "/pause"],
    ["POST", "/resume"],
    ["POST", "/verify"],
    ["POST", "/rotate-secret"],
  ])("%s another tenant's subscription%s answers 404", async (method, suffix) => {
    const { app, ours, theirs, theirId } = await twoTenants();

    const response = await app.request(`/v1/subscriptions/${theirId}${suffix}`, {
      method,
      headers: { ...bearer(ours), "content-type": "application/json" },
      body: method === "PATCH" ? JSON.stringify({ cadence: { kind: "instant" } }) : undefined,
    });
    const still = await app.request(`/v1/subscriptions/${theirId}`, { headers: bearer(theirs) });

    expect(response.status).toBe(404);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("NOT_FOUND");
    expect(still.status).toBe(200);
  });

  it("lists only the caller's subscriptions", async () => {
    const { app, ours } = await twoTenants();

    const response = await app.request("/v1/subscriptions", { headers: bearer(ours) });

    expect(await response.json()).toEqual({ data: [] });
  });
});

describe("subscriptions: keys and scopes", () => {
  it.each([
    ["no key", undefined, 401],
    ["a malformed key", "Bearer tw_notakey", 401],
    ["a key with a bad checksum", "Bearer tw_00000000000000000000000000000000000000", 401],
    ["a non-bearer scheme", "Basic dXNlcjpwYXNz", 401],
  ])("with %s answers %i", async (_, authorization, status) => {
    const { app } = await twoTenants();

    const response = await app.request("/v1/subscriptions", { headers: authorization ? { authorization } : {} });

    expect(response.status).toBe(status);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("refuses a read-only key on write routes with 403 but lets it list", async () => {
    const { services, app } = await twoTenants();
    const reader = await aKey(services, "ours", ["read"]);

    const write = await app.request("/v1/subscriptions", {
      method: "POST",
      headers: { ...bearer(reader), "content-type": "application/json" },
      body: JSON.stringify({ channel: { type: "email", address: "a@example.org" }, cadence: { kind: "instant" } }),
    });
    const read = await app.request("/v1/subscriptions", { headers: bearer(reader) });

    expect(write.status).toBe(403);
    expect(read.status).toBe(200);
  });

  it("stops honouring a key the moment it is revoked", async () => {
    const { services, app, ours } = await twoTenants();
    const [record] = await services.keys.listKeys((await services.keys.ensureTenant("ours", "")).id);

    await services.keys.revokeKey(record?.id ?? "", services.clock.now().toISOString());
    const response = await app.request("/v1/subscriptions", { headers: bearer(ours) });

    expect(response.status).toBe(401);
  });

  it("keeps the public news readable without a key", async () => {
    const { app } = await twoTenants();

    const responses = await Promise.all(
      ["/v1/stories", "/v1/items", "/health", "/openapi.json"].map((p) => app.request(p)),
    );

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });
});

describe("rate limits", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers 429 with Retry-After once a key spends its window, and per key", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    const { app, ours, theirs } = await twoTenants({ rateLimit: { requests: 3, windowSeconds: 60 } });
    vi.advanceTimersByTime(60_000);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await app.request("/v1/subscriptions", { headers: bearer(ours) })).status);
    const limited = await app.request("/v1/subscriptions", { headers: bearer(ours) });
    const other = await app.request("/v1/subscriptions", { headers: bearer(theirs) });
    vi.advanceTimersByTime(60_000);
    const later = await app.request("/v1/subscriptions", { headers: bearer(ours) });

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(ErrorSchema.parse(await limited.json()).error.code).toBe("TOO_MANY_REQUESTS");
    expect(other.status).toBe(200);
    expect(later.status).toBe(200);
  });
});
