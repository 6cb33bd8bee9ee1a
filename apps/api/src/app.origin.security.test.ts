import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { appWith } from "../test/factories.ts";
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
});
