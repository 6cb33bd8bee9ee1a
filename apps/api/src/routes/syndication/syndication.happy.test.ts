import { classify, foundStory, joinStory } from "@treatywatch/core";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { aKey, anItem, aSubscription, bearer, storeWithStories, testServices } from "../../../test/factories.ts";
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

    expect(json.version).toBe("https://jsonfeed.org/version/1.1");
    expect(json.items.map((item) => item.title)).toEqual(atom.items.map((item) => item.title));
    expect(json.items[0]?.id).toMatch(/^https:\/\/alerts\.example\.org\/v1\/stories\/sty_/);
  });
});

/** A story told by three outlets whose articles were published before treatywatch read them. */
async function storyOfThreeOutlets() {
  const services = testServices();
  const published = ["2026-03-01T07:10:00Z", "2026-03-01T08:30:00Z", "2026-03-01T09:45:00Z"];
  const items = published.map((at, n) =>
    anItem({
      title: `Latvia deposits its Ottawa Convention withdrawal (${n})`,
      outlet: `Outlet ${n}`,
      publishedAt: at,
    }),
  );
  const [first, ...others] = items;
  if (!first) throw new Error("no items");
  let story = foundStory(first, classify(first), "2026-03-02T12:00:00.000Z");
  await services.store.saveIngest({ stored: { item: first, verdict: classify(first), storyId: story.id }, story });
  for (const item of others) {
    story = joinStory(story, item, classify(item), "2026-03-02T12:05:00.000Z").story;
    await services.store.saveIngest({ stored: { item, verdict: classify(item), storyId: story.id }, story });
  }
  return { app: createApp(services, { publicUrl: PUBLIC }), story, items };
}

describe("feeds read by an independent parser (feedsmith)", () => {
  it("Atom: authors on feed and entries, topic terms with labels, the articles' dates, every outlet linked", async () => {
    const { app, story, items } = await storyOfThreeOutlets();

    const feed = parseAtomFeed(await (await app.request("/v1/topics/treaty-status/feed/atom")).text());
    const entry = feed.entries?.[0];

    expect(feed.authors?.map((author) => author.name)).toEqual(["treatywatch"]);
    expect(entry?.id).toBe(`${PUBLIC}/v1/stories/${story.id}`);
    expect(entry?.authors?.map((author) => author.name)).toEqual(["Outlet 0", "Outlet 1", "Outlet 2"]);
    expect(entry?.categories).toContainEqual({
      term: "treaty-status",
      label: "Treaty status",
      scheme: `${PUBLIC}/v1/taxonomy`,
    });
    expect([entry?.published, entry?.updated]).toEqual(["2026-03-01T07:10:00.000Z", "2026-03-01T09:45:00.000Z"]);
    expect(feed.updated).toBe("2026-03-01T09:45:00.000Z");
    for (const item of items) expect(entry?.content?.value).toContain(`<a href="${item.url}">`);
  });

  it("RSS 2.0: topic categories in the taxonomy's domain, outlets as dc:creator, first publication date", async () => {
    const { app, items } = await storyOfThreeOutlets();

    const feed = parseRssFeed(await (await app.request("/v1/topics/treaty-status/feed/rss")).text());
    const item = feed.items?.[0];

    expect(item?.categories).toContainEqual({ name: "treaty-status", domain: `${PUBLIC}/v1/taxonomy` });
    expect(item?.dc?.creators).toEqual(["Outlet 0, Outlet 1, Outlet 2"]);
    expect(item?.pubDate).toBe(new Date("2026-03-01T07:10:00Z").toUTCString());
    for (const source of items) expect(item?.content?.encoded).toContain(`<a href="${source.url}">`);
  });

  it("JSON Feed 1.1: authors lists, the articles' dates, every outlet linked", async () => {
    const { app, items } = await storyOfThreeOutlets();

    const body = (await (await app.request("/v1/topics/treaty-status/feed/json")).json()) as { version: string };
    const feed = parseJsonFeed(body);
    const item = feed.items?.[0];

    expect(body.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.authors?.map((author) => author.name)).toEqual(["treatywatch"]);
    expect(item?.authors?.map((author) => author.name)).toEqual(["Outlet 0", "Outlet 1", "Outlet 2"]);
    expect([item?.date_published, item?.date_modified]).toEqual([
      "2026-03-01T07:10:00.000Z",
      "2026-03-01T09:45:00.000Z",
    ]);
    for (const source of items) expect(item?.content_html).toContain(`<a href="${source.url}">`);
  });
});

describe("conditional feed requests", () => {
  it.each(["/v1/topics/treaty-status/feed/atom", "SUBSCRIPTION"])(
    "answer If-None-Match: * and a held ETag with a bare 304 on %s",
    async (path) => {
      const { app, services } = await setUp(1);
      const key = await aKey(services);
      const { subscription } = await aSubscription(app, key);
      const url = path === "SUBSCRIPTION" ? `/v1/subscriptions/${subscription.id}/feed/json` : path;
      const etag = (await app.request(url)).headers.get("etag") ?? "";

      const any = await app.request(url, { headers: { "if-none-match": "*" } });
      const held = await app.request(url, { headers: { "if-none-match": `"other", ${etag}` } });

      expect([any.status, held.status]).toEqual([304, 304]);
      expect(held.headers.get("etag")).toBe(etag);
      expect(held.headers.get("content-type")).toBeNull();
      expect(await held.text()).toBe("");
    },
  );

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
