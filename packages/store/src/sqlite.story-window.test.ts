import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Fingerprint,
  type Item,
  indexKeys,
  type Story,
  type StoryCandidate,
  type Verdict,
} from "@treatywatch/core";
import { seeded } from "@treatywatch/core/seeded";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "./sqlite.ts";

/**
 * The store answers story lookups from an in-memory window of its members. These tests hold it
 * to the tables and query it replaced: every member written is also written, with its index
 * keys, into an oracle database laid out as before, and every lookup must give the same
 * stories in the same order with the same fingerprints in the same order.
 */
class Oracle {
  readonly db = new Database(":memory:");

  constructor() {
    this.db.exec(`
      CREATE TABLE story_members (story_id TEXT NOT NULL, item_id TEXT NOT NULL, at TEXT NOT NULL,
        fingerprint TEXT NOT NULL, PRIMARY KEY (story_id, item_id));
      CREATE TABLE story_keys (key TEXT NOT NULL, story_id TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (key, story_id)) WITHOUT ROWID;
      CREATE INDEX story_keys_recent ON story_keys (key, at);
      CREATE INDEX story_members_recent ON story_members (story_id, at);
    `);
  }

  add(storyId: string, itemId: string, print: Fingerprint): void {
    this.db
      .prepare("INSERT OR REPLACE INTO story_members (story_id, item_id, at, fingerprint) VALUES (?, ?, ?, ?)")
      .run(storyId, itemId, print.at, JSON.stringify(print));
    const addKey = this.db.prepare(
      "INSERT INTO story_keys (key, story_id, at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET at = max(at, excluded.at)",
    );
    for (const key of indexKeys(print)) addKey.run(key, storyId, print.at);
  }

  /** Story `from` folded into `into`: its members and keys are `into`'s, each key at the later time of the two. */
  merge(into: string, from: string): void {
    this.db.prepare("UPDATE OR REPLACE story_members SET story_id = ? WHERE story_id = ?").run(into, from);
    this.db
      .prepare(
        `INSERT INTO story_keys (key, story_id, at) SELECT key, ?, at FROM story_keys WHERE story_id = ?
           ON CONFLICT DO UPDATE SET at = max(at, excluded.at)`,
      )
      .run(into, from);
    this.db.prepare("DELETE FROM story_keys WHERE story_id = ?").run(from);
  }

  candidates(keys: readonly string[], since: string, limit: number): StoryCandidate[] {
    if (keys.length === 0) return [];
    const ids = this.db
      .prepare(
        `SELECT story_id FROM story_keys INDEXED BY story_keys_recent
         WHERE key IN (SELECT value FROM json_each(?)) AND at >= ?
         GROUP BY story_id ORDER BY count(*) DESC, max(at) DESC LIMIT ?`,
      )
      .pluck()
      .all(JSON.stringify([...new Set(keys)]), since, limit) as string[];
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT candidate.value AS story_id,
         (SELECT json_group_array(json(fingerprint)) FROM
           (SELECT fingerprint FROM story_members WHERE story_id = candidate.value ORDER BY at DESC LIMIT ?)
         ) AS fingerprints
       FROM json_each(?) AS candidate ORDER BY candidate.key`,
      )
      .all(8, JSON.stringify(ids)) as { story_id: string; fingerprints: string }[];
    return rows.map((row) => ({
      storyId: row.story_id,
      fingerprints: (JSON.parse(row.fingerprints) as Fingerprint[]).sort((a, b) => b.at.localeCompare(a.at)),
    }));
  }
}

const START = Date.parse("2026-11-20T00:00:00.000Z");

/**
 * Fingerprints from small vocabularies on a coarse clock (whole hours), so stories share keys
 * and members share times: the ties are where an order could differ.
 */
function fingerprintMaker(seed: number) {
  const random = seeded(seed);
  const pickSome = (values: readonly string[], most: number) =>
    [
      ...new Set(
        Array.from(
          { length: Math.floor(random() * (most + 1)) },
          () => values[Math.floor(random() * values.length)] as string,
        ),
      ),
    ].sort();
  const words = Array.from({ length: 12 }, (_, index) => `term${index}`);
  return (hour: number): Fingerprint => ({
    at: new Date(START + hour * 3_600_000).toISOString(),
    dated: true,
    language: "en",
    relevant: true,
    countries: pickSome(["UA", "LT", "LV", "EE", "FI"], 2),
    treaties: pickSome(["mine-ban", "ccm"], 1),
    topics: ["clearance"],
    concepts: pickSome(["withdraw", "landmine", "clear", "kill", "cluster-munition"], 3),
    names: pickSome(["magav", "zelen", "koste"], 1),
    figures: [],
    years: [],
    terms: pickSome(words, 4),
  });
}

function anItem(id: string, at: string): Item {
  return {
    id,
    feedId: "fd_window",
    url: `https://outlet.example/${id}`,
    canonicalUrl: `https://outlet.example/${id}`,
    title: `Report ${id}`,
    summary: "",
    outlet: "Outlet Example",
    fetchedAt: at,
    contentHash: `hash-${id}`,
  };
}

const VERDICT: Verdict = {
  relevant: true,
  score: 0.8,
  topics: ["clearance"],
  categories: ["war-and-conflicts"],
  countries: [],
  treaties: [],
  why: [],
  classifierVersion: "window",
};

function aStory(id: string, item: Item): Story {
  return {
    id,
    title: item.title,
    summary: "",
    firstSeenAt: item.fetchedAt,
    updatedAt: item.fetchedAt,
    version: 1,
    score: 0.8,
    topics: ["clearance"],
    categories: ["war-and-conflicts"],
    countries: [],
    treaties: [],
    sources: [],
  };
}

async function write(
  store: SqliteStore,
  oracle: Oracle,
  storyId: string,
  itemId: string,
  print: Fingerprint,
  absorbed: readonly string[] = [],
) {
  const item = anItem(itemId, print.at);
  await store.saveIngest({
    stored: { item, verdict: VERDICT, storyId },
    story: aStory(storyId, item),
    fingerprint: print,
    absorbed,
  });
  for (const from of absorbed) oracle.merge(storyId, from);
  oracle.add(storyId, itemId, print);
}

describe("story candidates from the in-memory window", () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];
  const open = (options?: { windowEntries: number }) => {
    const store = new SqliteStore(path, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "treatywatch-story-window-"));
    path = join(dir, "news.db");
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Lookups of every kind: keys of fresh fingerprints, from any time, before, inside and after the data. */
  async function compareLookups(store: SqliteStore, oracle: Oracle, make: (hour: number) => Fingerprint, seed: number) {
    const random = seeded(seed);
    let compared = 0;
    for (let query = 0; query < 150; query++) {
      const keys = indexKeys(make(Math.floor(random() * 240)));
      const since = new Date(START + Math.floor(random() * 300 - 40) * 3_600_000).toISOString();
      const limit = 1 + Math.floor(random() * 20);
      const found = await store.storyCandidates(keys, since, limit);
      expect(found).toEqual(oracle.candidates(keys, since, limit));
      compared += found.length;
    }
    return compared;
  }

  it("gives the stories, order and members the key tables gave, as items join, old and new", async () => {
    const store = open();
    const oracle = new Oracle();
    const make = fingerprintMaker(1);
    const random = seeded(2);
    let compared = 0;
    for (let item = 0; item < 1_500; item++) {
      // Mostly forward in time, sometimes far back; stories of a few to many members.
      const hour = random() < 0.9 ? Math.floor(item / 8) : Math.floor(random() * 150);
      const storyId = `sty_${Math.floor(random() * Math.min(60, 5 + item / 10))}`;
      await write(store, oracle, storyId, `it_${item}`, make(hour));
      if (item % 100 === 99) compared += await compareLookups(store, oracle, make, item);
    }
    expect(compared).toBeGreaterThan(1_000);
  });

  it("sees members another connection wrote, and builds the same window when reopened", async () => {
    const store = open();
    const other = open();
    const oracle = new Oracle();
    const make = fingerprintMaker(3);
    for (let item = 0; item < 400; item++) {
      const writer = item % 3 === 0 ? other : store;
      await write(writer, oracle, `sty_${item % 25}`, `it_${item}`, make(Math.floor(item / 4)));
      if (item % 50 === 49) await compareLookups(store, oracle, make, item);
    }
    await compareLookups(open(), oracle, make, 1);
  });

  it("forgets what its bound leaves out and reads it again when an old item asks for it", async () => {
    const store = open({ windowEntries: 300 });
    const oracle = new Oracle();
    const make = fingerprintMaker(5);
    const random = seeded(6);
    let compared = 0;
    for (let item = 0; item < 1_200; item++) {
      const hour = Math.floor(item / 5);
      await write(store, oracle, `sty_${Math.floor(item / 12)}`, `it_${item}`, make(hour));
      // Lookups mostly from the last three days, now and then from long ago.
      const back = random() < 0.95 ? 72 : 200;
      const keys = indexKeys(make(hour));
      const since = new Date(START + (hour - back) * 3_600_000).toISOString();
      const found = await store.storyCandidates(keys, since, 16);
      expect(found).toEqual(oracle.candidates(keys, since, 16));
      compared += found.length;
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it("folds in merges, its own and another connection's, as the tables moved by them answer", async () => {
    const store = open();
    const other = open();
    const oracle = new Oracle();
    const make = fingerprintMaker(7);
    const random = seeded(8);
    const live = new Set<string>();
    // A story absorbed is never founded again: its id came from its first item, stored for good.
    const gone = new Set<string>();
    let merges = 0;
    for (let item = 0; item < 600; item++) {
      const writer = item % 4 === 0 ? other : store;
      let storyId = `sty_${Math.floor(random() * 40)}`;
      if (gone.has(storyId)) storyId = `sty_item_${item}`;
      // Now and then a report bridges stories: the ones it names are folded into its own.
      const absorbed = random() < 0.08 ? [...live].filter((id) => id !== storyId && random() < 0.3).slice(0, 2) : [];
      for (const id of absorbed) {
        live.delete(id);
        gone.add(id);
      }
      merges += absorbed.length;
      live.add(storyId);
      await write(writer, oracle, storyId, `it_${item}`, make(Math.floor(item / 4)), absorbed);
      if (item % 50 === 49) await compareLookups(store, oracle, make, item);
    }
    expect(merges).toBeGreaterThan(10);
    await compareLookups(open(), oracle, make, 1);
  });

  it("replaces a member written again, as the member table did", async () => {
    const store = open();
    const oracle = new Oracle();
    const make = fingerprintMaker(4);
    for (let item = 0; item < 300; item++)
      await write(store, oracle, `sty_${item % 20}`, `it_${item}`, make(item % 60));
    await compareLookups(store, oracle, make, 1);

    // The same items again in their stories, reported at another time.
    for (let item = 0; item < 300; item += 7) await write(store, oracle, `sty_${item % 20}`, `it_${item}`, make(90));

    await compareLookups(store, oracle, make, 2);
  });

  it("sees a member another connection wrote again, the newest member included", async () => {
    const store = open();
    const other = open();
    const oracle = new Oracle();
    const make = fingerprintMaker(6);
    for (let item = 0; item < 60; item++) await write(store, oracle, `sty_${item % 6}`, `it_${item}`, make(item % 20));
    await compareLookups(store, oracle, make, 1);

    // The last member written, written again by another connection and reported later.
    await write(other, oracle, "sty_5", "it_59", make(40));

    await compareLookups(store, oracle, make, 2);
  });

  it("reads the window again when SQLite rolls a batch back of its own accord, and sees other connections' writes after", async () => {
    const store = open();
    const other = open();
    const oracle = new Oracle();
    const make = fingerprintMaker(5);
    for (let item = 0; item < 100; item++)
      await write(store, oracle, `sty_${item % 10}`, `it_${item}`, make(item % 30));
    await compareLookups(store, oracle, make, 1);

    const batch = store.batch(async () => {
      for (let item = 100; item < 140; item++) {
        const print = make(item % 30);
        const stored = anItem(`it_${item}`, print.at);
        await store.saveIngest({
          stored: { item: stored, verdict: VERDICT, storyId: `sty_${item % 10}` },
          story: aStory(`sty_${item % 10}`, stored),
          fingerprint: print,
        });
      }
      // As SQLite does on a full disk or an I/O error: the transaction is gone, with what it wrote.
      store.db.exec("ROLLBACK");
      for (let item = 140; item < 200; item++)
        await write(other, oracle, `sty_${item % 12}`, `it_${item}`, make(item % 30));
      // The batch's own work fails from here on rather than write outside a transaction.
      await store.storyCandidates(["nothing"], "2000-01-01T00:00:00.000Z", 1);
    });

    await expect(batch).rejects.toThrow("rolled back");
    await compareLookups(store, oracle, make, 2);
    for (let item = 200; item < 220; item++)
      await write(store, oracle, `sty_${item % 10}`, `it_${item}`, make(item % 30));
    for (let item = 220; item < 240; item++)
      await write(other, oracle, `sty_${item % 12}`, `it_${item}`, make(item % 30));
    await compareLookups(store, oracle, make, 3);
    await compareLookups(store, oracle, make, 4);
  });
});
