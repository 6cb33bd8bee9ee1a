import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "./sqlite.ts";

describe("SqliteStore.batch", () => {
  let dir: string;
  let store: SqliteStore;
  let reader: SqliteStore;
  const at = "2026-01-01T00:00:00.000Z";
  const feedUrl = (n: number) => `https://news.example/${n}.xml`;
  const urlsSeenByReader = async () => (await reader.listFeeds()).map((feed) => feed.url);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "treatywatch-batch-"));
    store = new SqliteStore(join(dir, "news.db"));
    reader = new SqliteStore(join(dir, "news.db"));
  });

  afterEach(async () => {
    await store.close();
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the work in one transaction that other connections see only once it ends", async () => {
    const seenDuring: string[][] = [];

    const result = await store.batch(async () => {
      await store.addFeed(feedUrl(1), at);
      await store.addFeed(feedUrl(2), at);
      seenDuring.push(await urlsSeenByReader());
      return store.db.inTransaction;
    });

    expect(result).toBe(true);
    expect(seenDuring).toEqual([[]]);
    expect(await urlsSeenByReader()).toEqual([feedUrl(1), feedUrl(2)]);
    expect(store.db.inTransaction).toBe(false);
  });

  it("keeps the writes made before the work failed, and passes the failure on", async () => {
    const failing = store.batch(async () => {
      await store.addFeed(feedUrl(1), at);
      throw new Error("disk on fire");
    });

    await expect(failing).rejects.toThrow("disk on fire");
    expect(await urlsSeenByReader()).toEqual([feedUrl(1)]);
    expect(store.db.inTransaction).toBe(false);
  });

  it("joins a batch already open instead of starting another", async () => {
    await store.batch(async () => {
      await store.addFeed(feedUrl(1), at);
      await store.batch(async () => store.addFeed(feedUrl(2), at));
      expect(store.db.inTransaction).toBe(true);
    });

    expect(await urlsSeenByReader()).toEqual([feedUrl(1), feedUrl(2)]);
  });
});
