import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "./sqlite.ts";

describe("SqliteStore.dataVersion", () => {
  let dir: string;
  let store: SqliteStore;
  const at = "2026-01-01T00:00:00.000Z";

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "treatywatch-data-version-"));
    store = new SqliteStore(join(dir, "news.db"));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stays the same while nothing is written", async () => {
    const before = store.dataVersion();

    await store.listStories({ limit: 20 });
    await store.listFeeds();

    expect(store.dataVersion()).toBe(before);
  });

  it("changes when this connection writes", async () => {
    const before = store.dataVersion();

    await store.addFeed("https://news.example/rss", at);

    expect(store.dataVersion()).not.toBe(before);
  });

  it("changes when another connection to the same file commits", async () => {
    const other = new SqliteStore(join(dir, "news.db"));
    const before = store.dataVersion();

    await other.addFeed("https://news.example/rss", at);
    await other.close();

    expect(store.dataVersion()).not.toBe(before);
  });
});
