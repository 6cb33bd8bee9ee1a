import { describe, expect, it } from "vitest";
import { aKey, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";

describe("admin feeds: security", () => {
  it.each([
    ["GET", "/v1/feeds"],
    ["POST", "/v1/feeds"],
    ["DELETE", "/v1/feeds/fd_any"],
  ])("%s %s needs the admin scope", async (method, path) => {
    const services = testServices();
    const app = createApp(services);
    const writer = await aKey(services, "acme", ["read", "write"]);

    const anonymous = await app.request(path, { method });
    const forbidden = await app.request(path, { method, headers: bearer(writer) });

    expect(anonymous.status).toBe(401);
    expect(forbidden.status).toBe(403);
  });
});
