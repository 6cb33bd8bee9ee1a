import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assess, type Item, lookupKeys, type Story } from "@treatywatch/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearanceVerdict } from "../test/verdict.ts";
import { SqliteStore } from "./sqlite.ts";

const VERDICT = clearanceVerdict("batch");

function anItem(n: number): Item {
  return {
    id: `it_${n}`,
    feedId: "fd_batch",
    url: `https://outlet.example/${n}`,
    title: `Deminers clear field ${n}`,
    summary: "",
    outlet: `Outlet ${n % 3}`,
    fetchedAt: "2026-01-01T00:00:00.000Z",
    contentHash: `hash-${n}`,
  };
}

/** The story after `n` of its items joined, each one a new version. */
function storyAfter(n: number): Story {
  return {
    id: "sty_batch",
    title: "Deminers clear field 0",
    summary: "",
    firstSeenAt: "2026-01-01T00:00:00.000Z",
    updatedAt: `2026-01-01T00:${String(n).padStart(2, "0")}:00.000Z`,
    version: n,
    score: 0.9,
    topics: ["clearance"],
    categories: ["war-and-conflicts"],
    countries: ["UA"],
    treaties: [],
    sources: Array.from({ length: n }, (_, k) => ({
      itemId: `it_${k}`,
      outlet: `Outlet ${k % 3}`,
      title: `Deminers clear field ${k}`,
      feedId: "fd_batch",
    })),
  };
}

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

  describe("stories saved in a batch", () => {
    const save = (n: number) =>
      store.saveIngest({ stored: { item: anItem(n), verdict: VERDICT, storyId: "sty_batch" }, story: storyAfter(n) });

    it("are written once, as they stand at the end, and read back as saved meanwhile", async () => {
      store.db.exec(`CREATE TABLE story_writes (version INTEGER);
        CREATE TRIGGER story_inserted AFTER INSERT ON stories BEGIN INSERT INTO story_writes VALUES (json_extract(new.story, '$.version')); END;
        CREATE TRIGGER story_updated AFTER UPDATE ON stories BEGIN INSERT INTO story_writes VALUES (json_extract(new.story, '$.version')); END;`);
      const readDuring: number[] = [];

      await store.batch(async () => {
        for (let n = 1; n <= 5; n++) {
          await save(n);
          readDuring.push((await store.getStory("sty_batch"))?.version ?? 0);
        }
        expect(await reader.getStory("sty_batch")).toBeUndefined();
      });

      expect(readDuring).toEqual([1, 2, 3, 4, 5]);
      expect(store.db.prepare("SELECT version FROM story_writes").pluck().all()).toEqual([5]);
      expect(await reader.getStory("sty_batch")).toEqual(storyAfter(5));
    });

    it("take the batch back with them when they cannot be written, and the failure is passed on", async () => {
      store.db.exec(
        `CREATE TRIGGER no_stories BEFORE INSERT ON stories BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`,
      );

      const failing = store.batch(async () => {
        await store.addFeed(feedUrl(1), at);
        await save(1);
      });

      await expect(failing).rejects.toThrow("disk on fire");
      expect(await urlsSeenByReader()).toEqual([]);
      expect(await reader.getItem("it_1")).toBeUndefined();
      expect(store.db.inTransaction).toBe(false);
    });

    it("are read afresh once another connection has changed them, and given out frozen", async () => {
      await store.batch(() => save(1));
      const before = await store.getStory("sty_batch");

      await reader.saveIngest({
        stored: { item: anItem(2), verdict: VERDICT, storyId: "sty_batch" },
        story: storyAfter(2),
      });

      expect(Object.isFrozen(before) && Object.isFrozen(before?.sources[0])).toBe(true);
      expect(await store.getStory("sty_batch")).toEqual(storyAfter(2));
    });
  });

  describe("savepoints inside a batch", () => {
    const save = (n: number, storyId = "sty_batch") =>
      store.saveIngest({
        stored: { item: anItem(n), verdict: VERDICT, storyId },
        story: { ...storyAfter(n), id: storyId },
      });

    it("undo their own writes when their work throws, pass the failure on, and leave the batch's other writes", async () => {
      let failure: unknown;

      await store.batch(async () => {
        await store.savepoint(async () => store.addFeed(feedUrl(1), at));
        failure = await store
          .savepoint(async () => {
            await store.addFeed(feedUrl(2), at);
            await save(2);
            throw new Error("disk on fire");
          })
          .catch((error: unknown) => error);
        await store.savepoint(async () => store.addFeed(feedUrl(3), at));
      });

      expect(failure).toEqual(new Error("disk on fire"));
      expect(await urlsSeenByReader()).toEqual([feedUrl(1), feedUrl(3)]);
      expect(await reader.getItem("it_2")).toBeUndefined();
      expect(await reader.getStory("sty_batch")).toBeUndefined();
    });

    it("save their stories into the batch's, written once at its end, and put back those they saved when undone", async () => {
      store.db.exec(`CREATE TABLE story_writes (id TEXT, version INTEGER);
        CREATE TRIGGER story_inserted AFTER INSERT ON stories BEGIN INSERT INTO story_writes VALUES (new.id, json_extract(new.story, '$.version')); END;
        CREATE TRIGGER story_updated AFTER UPDATE ON stories BEGIN INSERT INTO story_writes VALUES (new.id, json_extract(new.story, '$.version')); END;`);
      const readAfterUndo: Array<Story | undefined> = [];

      await store.batch(async () => {
        await store.savepoint(() => save(1));
        await store.savepoint(() => save(2));
        await store
          .savepoint(async () => {
            await save(3);
            await save(4, "sty_other");
            throw new Error("disk on fire");
          })
          .catch(() => undefined);
        readAfterUndo.push(await store.getStory("sty_batch"), await store.getStory("sty_other"));
      });

      expect(readAfterUndo).toEqual([storyAfter(2), undefined]);
      expect(store.db.prepare("SELECT id, version FROM story_writes").all()).toEqual([{ id: "sty_batch", version: 2 }]);
      expect(await reader.getStory("sty_batch")).toEqual(storyAfter(2));
      expect(await reader.getItem("it_3")).toBeUndefined();
    });

    it("take the members they indexed out of story lookups when undone", async () => {
      const item = { ...anItem(1), title: "Deminers clear minefield near Izium, Ukraine" };
      const { verdict, fingerprint } = assess(item);
      const since = "2025-01-01T00:00:00.000Z";
      const lookup = () => store.storyCandidates(lookupKeys(fingerprint), since, 10);
      let offered: string[] = [];

      await store.batch(async () => {
        await lookup();
        await store
          .savepoint(async () => {
            await store.saveIngest({
              stored: { item, verdict, storyId: "sty_batch" },
              story: storyAfter(1),
              fingerprint,
            });
            expect((await lookup()).map((candidate) => candidate.storyId)).toEqual(["sty_batch"]);
            throw new Error("disk on fire");
          })
          .catch(() => undefined);
        offered = (await lookup()).map((candidate) => candidate.storyId);
      });

      expect(offered).toEqual([]);
    });

    describe("that merge stories", () => {
      const since = "2025-01-01T00:00:00.000Z";
      const report = (n: number) => ({ ...anItem(n), title: `Deminers clear minefield near Izium, Ukraine (${n})` });
      /** Saves report `n` into `storyId`, which absorbs the stories named. */
      const saveReport = (n: number, storyId: string, absorbed: string[] = []) => {
        const item = report(n);
        const { verdict, fingerprint } = assess(item);
        return store.saveIngest({
          stored: { item, verdict, storyId },
          story: { ...storyAfter(n), id: storyId },
          fingerprint,
          absorbed,
        });
      };
      const lookup = async (on = store) =>
        (await on.storyCandidates(lookupKeys(assess(report(9)).fingerprint), since, 10))
          .map((candidate) => candidate.storyId)
          .sort();

      it("put the stories they absorbed back when undone: rows, items, redirects and lookups", async () => {
        await saveReport(1, "sty_kept");
        const seen: unknown[] = [];

        await store.batch(async () => {
          await store.savepoint(() => saveReport(2, "sty_absorbed"));
          await store
            .savepoint(async () => {
              await saveReport(3, "sty_kept", ["sty_absorbed"]);
              seen.push((await store.getStory("sty_absorbed"))?.id, await lookup());
              throw new Error("disk on fire");
            })
            .catch(() => undefined);
          seen.push((await store.getStory("sty_absorbed"))?.id, await lookup());
        });

        expect(seen).toEqual(["sty_kept", ["sty_kept"], "sty_absorbed", ["sty_absorbed", "sty_kept"]]);
        expect((await reader.getStory("sty_absorbed"))?.id).toBe("sty_absorbed");
        expect((await reader.getItem("it_2"))?.storyId).toBe("sty_absorbed");
        expect(await reader.getItem("it_3")).toBeUndefined();
        expect((await reader.listStories({ limit: 10 })).data.map((story) => story.id).sort()).toEqual([
          "sty_absorbed",
          "sty_kept",
        ]);
        expect(await lookup(reader)).toEqual(["sty_absorbed", "sty_kept"]);
      });

      it("take a report written to a story merged since its writer read it into the story it went into", async () => {
        await saveReport(1, "sty_kept");
        await saveReport(2, "sty_absorbed");
        await saveReport(3, "sty_kept", ["sty_absorbed"]);

        // A writer that read the absorbed story before the merge (another process) saves a report to it.
        await saveReport(4, "sty_absorbed");

        expect((await reader.listStories({ limit: 10 })).data.map((story) => story.id)).toEqual(["sty_kept"]);
        expect((await reader.getStory("sty_absorbed"))?.id).toBe("sty_kept");
        expect((await reader.getStory("sty_kept"))?.sources.map((source) => source.itemId)).toContain("it_4");
        expect((await reader.getItem("it_4"))?.storyId).toBe("sty_kept");
        expect(await lookup(reader)).toEqual(["sty_kept"]);
      });

      it("that stand leave the absorbed story unwritten at the batch's end, whichever savepoint saved it", async () => {
        await store.batch(async () => {
          await store.savepoint(() => saveReport(1, "sty_kept"));
          await store.savepoint(() => saveReport(2, "sty_absorbed"));
          await store.savepoint(() => saveReport(3, "sty_kept", ["sty_absorbed"]));
        });

        expect((await reader.listStories({ limit: 10 })).data.map((story) => story.id)).toEqual(["sty_kept"]);
        expect((await reader.getStory("sty_absorbed"))?.id).toBe("sty_kept");
        expect((await reader.getItem("it_2"))?.storyId).toBe("sty_kept");
        expect(await lookup(reader)).toEqual(["sty_kept"]);
        expect(await lookup()).toEqual(["sty_kept"]);
      });
    });

    it("fail, their stories unwritten, when SQLite rolls the transaction back of its own accord", async () => {
      let failure: unknown;

      const batch = store.batch(async () => {
        failure = await store
          .savepoint(async () => {
            await save(1);
            // As SQLite does on a full disk or an I/O error: the transaction is gone, with what it wrote.
            store.db.exec("ROLLBACK");
          })
          .catch((error: unknown) => error);
      });

      await expect(batch).rejects.toThrow("rolled back");
      expect(String(failure)).toContain("rolled back");
      expect(await reader.getStory("sty_batch")).toBeUndefined();
      expect(await reader.getItem("it_1")).toBeUndefined();
    });

    it("released before SQLite rolls the transaction back lose their stories with it, and the batch writes nothing after", async () => {
      const afterwards: string[] = [];
      const { feed } = await store.addFeed(feedUrl(1), at);

      const batch = store.batch(async () => {
        await store.savepoint(() => save(1, "sty_first"));
        await store
          .savepoint(async () => {
            await save(2, "sty_second");
            store.db.exec("ROLLBACK");
          })
          .catch(() => undefined);
        for (const write of [
          () => save(3, "sty_third"),
          () => store.recordFetch(feed.id, { etag: '"v2"', nextPollAt: at, at }),
        ]) {
          afterwards.push(
            await write().then(
              () => "written",
              (error: unknown) => String(error),
            ),
          );
        }
      });

      await expect(batch).rejects.toThrow("rolled back");
      expect(afterwards).toEqual([expect.stringContaining("rolled back"), expect.stringContaining("rolled back")]);
      for (const id of ["sty_first", "sty_second", "sty_third"]) expect(await reader.getStory(id)).toBeUndefined();
      for (const id of ["it_1", "it_2", "it_3"]) expect(await reader.getItem(id)).toBeUndefined();
      expect((await reader.getFeed(feed.id))?.etag).toBeUndefined();
      expect(store.db.inTransaction).toBe(false);
    });

    it("are transactions of their own outside a batch, undone whole when their work throws", async () => {
      const failing = store.savepoint(async () => {
        await store.addFeed(feedUrl(1), at);
        expect(store.db.inTransaction).toBe(true);
        throw new Error("disk on fire");
      });

      await expect(failing).rejects.toThrow("disk on fire");
      expect(await urlsSeenByReader()).toEqual([]);
      expect(store.db.inTransaction).toBe(false);
    });
  });
});
