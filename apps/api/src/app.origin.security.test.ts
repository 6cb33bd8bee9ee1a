import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { appWith, testServices } from "../test/factories.ts";
import { createApp } from "./app.ts";
import { ErrorSchema } from "./lib/errors.ts";
import { FORWARDED_HOST_HEADER, ORIGIN_SECRET_HEADER } from "./lib/origin.ts";

const SECRET = "s3cret-from-secrets-manager-0123456789abcdef";
const behindCloudFront = { origin: { secret: async () => SECRET } };

describe("the origin behind CloudFront", () => {
  it.each([
    ["no origin header", {}],
    ["a wrong one", { [ORIGIN_SECRET_HEADER]: "guess" }],
    ["one of the right length but wrong", { [ORIGIN_SECRET_HEADER]: SECRET.replace("s", "t") }],
  ])("refuses a request with %s, as a direct call to the function URL has", async (_name, headers) => {
    const app = appWith(new SqliteStore(":memory:"), behindCloudFront);

    const response = await app.request("/v1/stories", { headers });

    expect(response.status).toBe(403);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("FORBIDDEN");
  });

  it("answers a request that carries CloudFront's secret", async () => {
    const app = appWith(new SqliteStore(":memory:"), behindCloudFront);

    const response = await app.request("/v1/stories", { headers: { [ORIGIN_SECRET_HEADER]: SECRET } });

    expect(response.status).toBe(200);
  });

  it("links feeds to the host the viewer asked for, and ignores a host that is not a host name", async () => {
    const app = appWith(new SqliteStore(":memory:"), behindCloudFront);
    const feed = (host: string) =>
      app.request("/v1/topics/mine-use/feed/atom", {
        headers: { [ORIGIN_SECRET_HEADER]: SECRET, [FORWARDED_HOST_HEADER]: host },
      });

    const viewer = await (await feed("d1234abcd.cloudfront.net")).text();
    const forged = await (await feed("evil.example/<script>")).text();

    expect(viewer).toContain("https://d1234abcd.cloudfront.net/v1/topics/mine-use/feed/atom");
    expect(forged).not.toContain("evil.example");
  });

  it("keeps a configured public URL over the viewer's host", async () => {
    const app = appWith(new SqliteStore(":memory:"), { ...behindCloudFront, publicUrl: "https://alerts.example.org" });

    const body = await (
      await app.request("/v1/topics/mine-use/feed/atom", {
        headers: { [ORIGIN_SECRET_HEADER]: SECRET, [FORWARDED_HOST_HEADER]: "d1234abcd.cloudfront.net" },
      })
    ).text();

    expect(body).toContain("https://alerts.example.org/v1/topics/mine-use/feed/atom");
  });

  it("serves the pages and the OpenAPI document on the viewer's host: feed links, form cookie and sign-up origin", async () => {
    const services = testServices();
    const app = createApp(services, behindCloudFront);
    const viewer = "https://d1234abcd.cloudfront.net";
    const cloudFront = { [ORIGIN_SECRET_HEADER]: SECRET, [FORWARDED_HOST_HEADER]: "d1234abcd.cloudfront.net" };
    const form = await app.request("/subscribe", { headers: cloudFront });
    const cookie = (form.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const signUp = (origin: string) =>
      app.request("/subscribe", {
        method: "POST",
        headers: { ...cloudFront, "content-type": "application/x-www-form-urlencoded", origin, cookie },
        body: new URLSearchParams({ csrf, email: "reader@example.org" }).toString(),
      });

    const stories = await (await app.request("/", { headers: cloudFront })).text();
    const document = (await (await app.request("/openapi.json", { headers: cloudFront })).json()) as {
      servers: Array<{ url: string }>;
    };
    const elsewhere = await signUp("https://evil.example");
    const signedUp = await signUp(viewer);

    expect(stories).toContain(`href="${viewer}/feed/atom"`);
    expect(document.servers.map((server) => server.url)).toEqual([viewer]);
    expect(cookie).toMatch(/^__Host-tw_csrf=/);
    expect(elsewhere.status).toBe(403);
    expect(signedUp.status).toBe(303);
    expect(services.sentConfirmations.map((sent) => sent.subscription.channel)).toEqual([
      { type: "email", address: "reader@example.org" },
    ]);
  });
});
