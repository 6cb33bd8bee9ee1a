import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { createClient } from "@treatywatch/client";
import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { appWith, storeWithMergedStories, storeWithStories } from "../../../test/factories.ts";
import { ItemPage } from "../items/schema.ts";
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

  it("serves what another connection to the database committed since the page was cached", async () => {
    const dir = mkdtempSync(join(tmpdir(), "treatywatch-stories-"));
    const { store } = await storeWithStories(2, new SqliteStore(join(dir, "news.db")));
    const other = new SqliteStore(join(dir, "news.db"));
    try {
      const app = appWith(store);
      const before = await app.request("/v1/stories");
      const etag = before.headers.get("etag") ?? "";
      expect((await app.request("/v1/stories", { headers: { "if-none-match": etag } })).status).toBe(304);
      const { stories } = await storeWithStories(1, other);

      const after = await app.request("/v1/stories", { headers: { "if-none-match": etag } });

      expect(after.status).toBe(200);
      expect(after.headers.get("etag")).not.toBe(etag);
      expect(StoryPage.parse(await after.json()).data.map((story) => story.id)).toContain(stories[0]?.id);
    } finally {
      await other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
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

describe("GET /v1/stories compressed", () => {
  const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

  it.each([
    ["br", "gzip, deflate, br", brotliDecompressSync],
    ["gzip", "gzip;q=0.8, identity", gunzipSync],
    ["gzip", "br;q=0, *", gunzipSync],
  ] as const)("sends %s for Accept-Encoding %s, the same page once decoded", async (coding, accept, decode) => {
    const { store } = await storeWithStories(6);
    const app = appWith(store);
    const plain = await app.request("/v1/stories");

    const encoded = await app.request("/v1/stories", { headers: { "accept-encoding": accept } });

    expect(encoded.headers.get("content-encoding")).toBe(coding);
    expect(encoded.headers.get("vary")).toBe("accept-encoding");
    expect(encoded.headers.get("etag")).toBe((plain.headers.get("etag") ?? "").replace(/"$/, `-${coding}"`));
    expect(decode(await bytes(encoded)).equals(await bytes(plain))).toBe(true);
  });

  it("sends the page as it is to a client that accepts no coding we make, or refuses them all", async () => {
    const { store } = await storeWithStories(6);
    const app = appWith(store);

    for (const accept of ["identity", "deflate", "br;q=0, gzip;q=0", "*;q=0"]) {
      const response = await app.request("/v1/stories", { headers: { "accept-encoding": accept } });
      expect(response.headers.get("content-encoding")).toBeNull();
      StoryPage.parse(await response.json());
    }
  });

  it("answers 304 to the ETag of any coding of an unchanged page", async () => {
    const { store } = await storeWithStories(6);
    const app = appWith(store);
    const gzip = await app.request("/v1/stories", { headers: { "accept-encoding": "gzip" } });
    const etag = gzip.headers.get("etag") ?? "";

    const plain = await app.request("/v1/stories", { headers: { "if-none-match": etag } });
    const br = await app.request("/v1/stories", { headers: { "if-none-match": etag, "accept-encoding": "br" } });

    expect([plain.status, br.status]).toEqual([304, 304]);
    expect(br.headers.get("etag")).toMatch(/-br"$/);
  });
});

describe("GET /v1/stories asked again", () => {
  it("answers a query string it has seen as it did, and afresh once the data changes", async () => {
    const { store } = await storeWithStories(3);
    const app = appWith(store);
    const query = "/v1/stories?country=LV&limit=50";
    const first = await app.request(query);
    const firstBody = await first.text();

    const again = await app.request(query);
    const { stories } = await storeWithStories(1, store);
    const afterWrite = await app.request(query);

    expect(await again.text()).toBe(firstBody);
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(again.headers.get("x-request-id")).toBeTruthy();
    expect(again.headers.get("ratelimit-remaining")).toBeTruthy();
    expect(StoryPage.parse(await afterWrite.json()).data.map((story) => story.id)).toContain(stories[0]?.id);
  });

  it("still refuses a query string it refused, however often it comes", async () => {
    const { store } = await storeWithStories(1);
    const app = appWith(store);

    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await app.request("/v1/stories?limit=0")).status);

    expect(statuses).toEqual([400, 400, 400]);
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

describe("GET /v1/stories/{id} of a story merged into another", () => {
  it("answers 308 with the merged story's address, which answers the merged story", async () => {
    const { store, survivor, absorbed } = await storeWithMergedStories();
    const app = appWith(store);

    const response = await app.request(`/v1/stories/${absorbed}`);
    const location = response.headers.get("location") ?? "";
    const followed = await app.request(location);

    expect(response.status).toBe(308);
    expect(location).toBe(`/v1/stories/${survivor.id}`);
    expect(followed.status).toBe(200);
    expect(StorySchema.parse(await followed.json())).toEqual(survivor);
  });

  it("is followed over HTTP by the typed client, which gives the merged story", async () => {
    const { store, survivor, absorbed } = await storeWithMergedStories();
    const server = serve({ fetch: appWith(store).fetch, hostname: "127.0.0.1", port: 0 });
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const client = createClient(`http://127.0.0.1:${port}`);

      const { data, response } = await client.GET("/v1/stories/{id}", { params: { path: { id: absorbed } } });

      expect(response.redirected).toBe(true);
      expect(response.url).toBe(`http://127.0.0.1:${port}/v1/stories/${survivor.id}`);
      expect(data?.id).toBe(survivor.id);
    } finally {
      server.close();
    }
  });
});

describe("GET /v1/items?storyId= of a story merged into another", () => {
  it("lists the merged story's items, the absorbed story's among them", async () => {
    const { store, survivor, absorbed } = await storeWithMergedStories();
    const app = appWith(store);

    const byAbsorbed = await app.request(`/v1/items?storyId=${absorbed}&limit=50`);
    const bySurvivor = await app.request(`/v1/items?storyId=${survivor.id}&limit=50`);

    expect(byAbsorbed.status).toBe(200);
    const listed = ItemPage.parse(await byAbsorbed.json()).data.map((stored) => stored.item.id);
    expect(listed).toEqual(ItemPage.parse(await bySurvivor.json()).data.map((stored) => stored.item.id));
    expect([...listed].sort()).toEqual(survivor.sources.map((source) => source.itemId).sort());
  });
});
