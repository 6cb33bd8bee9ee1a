import { describe, expect, it } from "vitest";
import { appWith, storeWithStories } from "../../../test/factories.ts";
import { StoryPage, StorySchema } from "./schema.ts";

describe("GET /v1/stories", () => {
  it("lists stories newest first and pages through all of them with the cursor", async () => {
    const { store, stories } = await storeWithStories(5);
    const app = appWith(store);

    const first = StoryPage.parse(await (await app.request("/v1/stories?limit=3")).json());
    const second = StoryPage.parse(
      await (await app.request(`/v1/stories?limit=3&cursor=${first.nextCursor ?? ""}`)).json(),
    );

    expect(first.data.map((story) => story.id)).toEqual(
      stories
        .slice(2)
        .reverse()
        .map((story) => story.id),
    );
    expect(second.data.map((story) => story.id)).toEqual(
      stories
        .slice(0, 2)
        .reverse()
        .map((story) => story.id),
    );
    expect(second.nextCursor).toBeUndefined();
  });

  it("filters by treaty and country", async () => {
    const { store } = await storeWithStories(2);
    const app = appWith(store);

    const latvia = StoryPage.parse(await (await app.request("/v1/stories?country=LV&treaty=mine-ban")).json());
    const finland = StoryPage.parse(await (await app.request("/v1/stories?country=FI")).json());

    expect(latvia.data).toHaveLength(2);
    expect(finland.data).toHaveLength(0);
  });
});

describe("GET /v1/stories conditional requests", () => {
  it("answers 304 with no body to the ETag of an unchanged page", async () => {
    const { store } = await storeWithStories(3);
    const app = appWith(store);
    const first = await app.request("/v1/stories?limit=2");
    const etag = first.headers.get("etag") ?? "";

    const again = await app.request("/v1/stories?limit=2", { headers: { "if-none-match": etag } });

    expect(etag).toMatch(/^"[^"]+"$/);
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("content-type")).toBeNull();
    expect(await again.text()).toBe("");
  });

  it("serves a new page and a new ETag once a story is saved", async () => {
    const { store } = await storeWithStories(2);
    const app = appWith(store);
    const before = await app.request("/v1/stories");
    const etag = before.headers.get("etag") ?? "";
    const { stories } = await storeWithStories(1, store);

    const after = await app.request("/v1/stories", { headers: { "if-none-match": etag } });

    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    const page = StoryPage.parse(await after.json());
    expect(page.data.map((story) => story.id)).toContain(stories[0]?.id);
  });

  it("tags different queries differently", async () => {
    const { store } = await storeWithStories(3);
    const app = appWith(store);

    const two = await app.request("/v1/stories?limit=2");
    const three = await app.request("/v1/stories?limit=3");

    expect(two.headers.get("etag")).not.toBe(three.headers.get("etag"));
    expect(StoryPage.parse(await three.json()).data).toHaveLength(3);
  });
});

describe("GET /v1/stories/{id}", () => {
  it("returns the story with every source", async () => {
    const { store, stories } = await storeWithStories(1);
    const wanted = stories[0];

    const response = await appWith(store).request(`/v1/stories/${wanted?.id}`);

    expect(response.status).toBe(200);
    const story = StorySchema.parse(await response.json());
    expect(story.sources).toHaveLength(2);
    expect(story.sources[0]?.publishedAt).toBe("2025-06-27T09:00:00.000Z");
  });
});
