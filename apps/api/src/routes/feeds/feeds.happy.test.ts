import { describe, expect, it } from "vitest";
import { aKey, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { ErrorSchema } from "../../lib/errors.ts";
import { FeedList, FeedSchema } from "./schema.ts";

async function asAdmin() {
  const services = testServices();
  const app = createApp(services);
  const admin = await aKey(services, "ops", ["admin"]);
  const add = (url: string) =>
    app.request("/v1/feeds", {
      method: "POST",
      headers: { ...bearer(admin), "content-type": "application/json" },
      body: JSON.stringify({ url }),
    });
  return { services, app, admin, add };
}

describe("admin feeds", () => {
  it("adds a feed once, lists it with its health, and removes it", async () => {
    const { app, admin, add } = await asAdmin();

    const added = await add("https://news.example.org/landmines.xml#top");
    const again = await add("https://news.example.org/landmines.xml");
    const feed = FeedSchema.parse(await added.json());
    const listed = FeedList.parse(await (await app.request("/v1/feeds", { headers: bearer(admin) })).json());
    const removed = await app.request(`/v1/feeds/${feed.id}`, { method: "DELETE", headers: bearer(admin) });
    const removedAgain = await app.request(`/v1/feeds/${feed.id}`, { method: "DELETE", headers: bearer(admin) });

    expect([added.status, again.status]).toEqual([201, 200]);
    expect(feed.url).toBe("https://news.example.org/landmines.xml");
    expect(listed.data.map((f) => [f.url, f.health.consecutiveFailures])).toEqual([[feed.url, 0]]);
    expect([removed.status, removedAgain.status]).toEqual([204, 404]);
  });

  it.each(["ftp://news.example.org/feed", "not a url", "https://user:pw@news.example.org/feed"])(
    "refuses %s with 400 naming json.url",
    async (url) => {
      const { add } = await asAdmin();

      const response = await add(url);

      expect(response.status).toBe(400);
      expect(ErrorSchema.parse(await response.json()).error.details?.map((d) => d.path)).toEqual(["json.url"]);
    },
  );
});

describe("taxonomy", () => {
  it("lists topics, treaties and categories with their IPTC codes", async () => {
    const { app } = await asAdmin();

    const taxonomy = (await (await app.request("/v1/taxonomy")).json()) as {
      topics: Array<{ id: string }>;
      categories: Array<{ id: string; iptc: string }>;
      treaties: Array<{ id: string; name: string }>;
    };

    expect(taxonomy.topics.map((t) => t.id)).toContain("mine-use");
    expect(taxonomy.categories.find((c) => c.id === "war-and-conflicts")?.iptc).toBe("medtop:16000000");
    expect(taxonomy.treaties.find((t) => t.id === "mine-ban")?.name).toBe("Mine Ban Treaty");
  });
});
