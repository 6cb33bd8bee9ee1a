import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { aKey, aSubscription, bearer, storeWithStories, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { ErrorSchema } from "../../lib/errors.ts";

const PUBLIC = "https://alerts.example.org";

async function setUp(count = 3) {
  const { store, stories } = await storeWithStories(count);
  const services = testServices(store);
  return { services, stories, app: createApp(services, { publicUrl: PUBLIC }) };
}

describe.each(["atom", "rss"] as const)("the %s topic feed", (format) => {
  it("parses back through rss-parser with every story, newest first", async () => {
    const { app, stories } = await setUp();

    const response = await app.request(`/v1/topics/treaty-status/feed/${format}`);
    const feed = await new Parser().parseString(await response.text());

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(format === "atom" ? "atom+xml" : "rss+xml");
    expect(feed.items.map((item) => item.title)).toEqual(stories.map((story) => story.title).reverse());
    expect(feed.items[0]?.link).toMatch(/^https:\/\/outlet\d+\.example\//);
  });
});

describe("the JSON Feed", () => {
  it("lists the same stories as the Atom feed, with stable ids", async () => {
    const { app } = await setUp();

    const json = (await (await app.request("/v1/topics/treaty-status/feed/json")).json()) as {
      version: string;
      items: Array<{ id: string; title: string }>;
    };
    const atom = await new Parser().parseString(await (await app.request("/v1/topics/treaty-status/feed/atom")).text());

    expect(json.version).toBe("https://jsonfeed.org/version/1");
    expect(json.items.map((item) => item.title)).toEqual(atom.items.map((item) => item.title));
    expect(json.items[0]?.id).toMatch(/^https:\/\/alerts\.example\.org\/v1\/stories\/sty_/);
  });
});

describe("conditional feed requests", () => {
  it("answers 304 to the ETag it gave, and 200 with a new one once a story changes", async () => {
    const { app, services } = await setUp(1);
    const first = await app.request("/v1/topics/treaty-status/feed/rss");
    const etag = first.headers.get("etag") ?? "";

    const again = await app.request("/v1/topics/treaty-status/feed/rss", { headers: { "if-none-match": etag } });
    await storeWithStories(1, services.store);
    const changed = await app.request("/v1/topics/treaty-status/feed/rss", { headers: { "if-none-match": etag } });

    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });
});

describe("a saved filter's feed", () => {
  it("carries the stories the subscription's filter matches, and 404 once it is gone", async () => {
    const { app, services } = await setUp(2);
    const key = await aKey(services);
    const { subscription } = await aSubscription(app, key, { filter: { countries: ["LV"], keywords: "Ottawa" } });

    const feed = await new Parser().parseString(
      await (await app.request(`/v1/subscriptions/${subscription.id}/feed/atom`)).text(),
    );
    await app.request(`/v1/subscriptions/${subscription.id}`, { method: "DELETE", headers: bearer(key) });
    const gone = await app.request(`/v1/subscriptions/${subscription.id}/feed/atom`);

    expect(feed.items).toHaveLength(2);
    expect(gone.status).toBe(404);
    expect(ErrorSchema.parse(await gone.json()).error.code).toBe("NOT_FOUND");
  });

  it("answers 400 for a format it does not make", async () => {
    const { app } = await setUp(0);

    const response = await app.request("/v1/topics/mine-use/feed/xml");

    expect(response.status).toBe(400);
  });
});
