import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSerializer } from "./serial.ts";

const AT = "2026-01-01T00:00:00.000Z";
const feedUrl = (n: number) => `https://news.example/${n}.xml`;

describe("createSerializer with a store", () => {
  let dir: string;
  let store: SqliteStore;
  let reader: SqliteStore;
  const seenByReader = async () => (await reader.listFeeds()).map((feed) => feed.url);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "treatywatch-serial-"));
    store = new SqliteStore(join(dir, "news.db"));
    reader = new SqliteStore(join(dir, "news.db"));
  });

  afterEach(async () => {
    await store.close();
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs tasks in the order handed in, those waiting together in one commit of at most maxItems", async () => {
    const serialize = createSerializer(store, 1_000);
    const task = (n: number) => async () => {
      const committedBefore = await seenByReader();
      await store.addFeed(feedUrl(n), AT);
      return committedBefore;
    };

    const seen = await Promise.all([serialize(task(1), 400), serialize(task(2), 400), serialize(task(3), 400)]);

    // The second shares the first's commit, so neither is visible outside it; the third, past
    // the size, starts a commit of its own after both.
    expect(seen).toEqual([[], [], [feedUrl(1), feedUrl(2)]]);
    expect(await seenByReader()).toEqual([feedUrl(1), feedUrl(2), feedUrl(3)]);
  });

  it("settles tasks once their commit has, and fails every task of a commit that fails", async () => {
    store.db.exec(`CREATE TABLE parents (id TEXT PRIMARY KEY);
      CREATE TABLE children (parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);`);
    const serialize = createSerializer(store);
    // A row whose parent never comes: SQLite refuses the commit, not the insert.
    const orphan = async () => {
      await store.addFeed(feedUrl(1), AT);
      store.db.exec("INSERT INTO children VALUES ('missing')");
      return "written";
    };

    const outcomes = await Promise.allSettled([
      serialize(orphan),
      serialize(async () => store.addFeed(feedUrl(2), AT)),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain("FOREIGN KEY constraint failed");
    expect(await seenByReader()).toEqual([]);
    expect(store.db.inTransaction).toBe(false);
    // The writer goes on with the next commit.
    await serialize(async () => store.addFeed(feedUrl(3), AT));
    expect(await seenByReader()).toEqual([feedUrl(3)]);
  });
});
