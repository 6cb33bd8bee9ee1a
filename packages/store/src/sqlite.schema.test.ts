import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assess, type Fingerprint, type Item, indexKeys, type Story } from "@treatywatch/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { clearanceVerdict } from "../test/verdict.ts";
import { migrate } from "./schema.ts";
import { NEWS_MIGRATIONS, SqliteStore } from "./sqlite.ts";

const VERDICT = clearanceVerdict("schema");

function anItem(n: number): Item {
  return {
    id: `it_${n}`,
    feedId: "fd_schema",
    url: `https://outlet.example/${n}`,
    title: `Deminers clear minefield ${n} near Izium in Kharkiv region`,
    summary: "Teams surveyed farmland and removed anti-personnel mines.",
    outlet: "Outlet",
    fetchedAt: "2026-01-01T00:00:00.000Z",
    contentHash: `hash-${n}`,
  };
}

function aStory(id: string, items: readonly Item[]): Story {
  const [first] = items;
  return {
    id,
    title: first?.title ?? "",
    summary: "",
    firstSeenAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    version: items.length,
    score: 0.9,
    topics: ["clearance"],
    categories: [],
    countries: ["UA"],
    treaties: [],
    sources: items.map((item) => ({ itemId: item.id, outlet: item.outlet, title: item.title, feedId: item.feedId })),
  };
}

/** A fingerprint of the item at a given hour: ties at one hour are where an order could differ. */
function printAt(item: Item, hour: number): Fingerprint {
  return { ...assess(item).fingerprint, at: `2026-01-01T${String(hour).padStart(2, "0")}:00:00.000Z` };
}

interface MemberRow {
  seq: number;
  story_id: string;
  item_id: string;
  at: string;
  fingerprint: string;
}

const members = (db: Database.Database) =>
  db
    .prepare("SELECT rowid AS seq, story_id, item_id, at, fingerprint FROM story_members ORDER BY rowid")
    .all() as MemberRow[];

describe("the news schema", () => {
  it("keeps the members a database of the earlier schema holds, with their row numbers, and finds stories from them as before", async () => {
    const db = new Database(":memory:");
    migrate(db, "news", NEWS_MIGRATIONS.slice(0, 4));
    const insert = db.prepare("INSERT INTO story_members (story_id, item_id, at, fingerprint) VALUES (?, ?, ?, ?)");
    // Two stories' members written interleaved, several at one hour, and one row removed: a gap in the row numbers.
    for (let n = 0; n < 24; n++) {
      const item = anItem(n);
      insert.run(`sty_${n % 2}`, item.id, printAt(item, 1 + (n % 5)).at, JSON.stringify(printAt(item, 1 + (n % 5))));
    }
    db.prepare("DELETE FROM story_members WHERE item_id = 'it_3'").run();
    const before = members(db);
    const keys = [...new Set(before.flatMap((row) => indexKeys(JSON.parse(row.fingerprint) as Fingerprint)))];
    // The newest eight of each story, newest first and the later row first at one time, as the earlier schema read them.
    const expected = ["sty_0", "sty_1"].map((storyId) =>
      before
        .filter((row) => row.story_id === storyId)
        .sort((a, b) => b.at.localeCompare(a.at) || b.seq - a.seq)
        .slice(0, 8)
        .map((row) => JSON.parse(row.fingerprint) as Fingerprint),
    );

    const store = new SqliteStore(db);
    const candidates = await store.storyCandidates(keys, "2026-01-01T00:00:00.000Z", 10);

    expect(members(db)).toEqual(before);
    expect(Object.fromEntries(candidates.map((candidate) => [candidate.storyId, candidate.fingerprints]))).toEqual({
      sty_0: expected[0],
      sty_1: expected[1],
    });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'story_members' AND type = 'index'");
    expect((indexes.pluck().all() as string[]).sort()).toEqual(["story_members_at", "story_members_recent"]);
    await store.close();
  });

  it("keeps an item one member of its story when it is saved into it again under another time", async () => {
    const store = new SqliteStore(":memory:");
    const item = anItem(1);
    const other = anItem(2);
    const story = aStory("sty_again", [item, other]);
    await store.saveIngest({
      stored: { item, verdict: VERDICT, storyId: story.id },
      story,
      fingerprint: printAt(item, 3),
    });
    await store.saveIngest({
      stored: { item: other, verdict: VERDICT, storyId: story.id },
      story,
      fingerprint: printAt(other, 4),
    });

    await store.saveIngest({
      stored: { item, verdict: VERDICT, storyId: story.id },
      story,
      fingerprint: printAt(item, 6),
    });

    expect(members(store.db).map((row) => [row.item_id, row.at])).toEqual([
      [other.id, printAt(other, 4).at],
      [item.id, printAt(item, 6).at],
    ]);
    const [candidate] = await store.storyCandidates(indexKeys(printAt(item, 6)), "2026-01-01T00:00:00.000Z", 5);
    expect(candidate?.fingerprints.map((print) => print.at)).toEqual([printAt(item, 6).at, printAt(other, 4).at]);
    expect((await store.getItem(item.id))?.item).toEqual(item);
    await store.close();
  });
});

describe("migrate", () => {
  it("takes no write lock on a database already at its latest step, so it opens while another connection writes", () => {
    const dir = mkdtempSync(join(tmpdir(), "treatywatch-migrate-"));
    try {
      const path = join(dir, "news.db");
      const writer = new Database(path);
      writer.pragma("journal_mode = WAL");
      migrate(writer, "example", ["CREATE TABLE notes (body TEXT)"]);
      writer.exec("BEGIN IMMEDIATE");
      writer.exec("INSERT INTO notes VALUES ('held')");
      const opener = new Database(path);
      opener.pragma("busy_timeout = 0");

      migrate(opener, "example", ["CREATE TABLE notes (body TEXT)"]);

      expect(opener.prepare("SELECT version FROM schema_versions WHERE module = 'example'").pluck().get()).toBe(1);
      writer.exec("COMMIT");
      opener.close();
      writer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies each step once, in order, and only the steps not yet applied", () => {
    const db = new Database(":memory:");
    db.pragma("busy_timeout = 1234");
    migrate(db, "example", ["CREATE TABLE notes (body TEXT)"]);
    db.exec("INSERT INTO notes VALUES ('kept')");

    migrate(db, "example", ["CREATE TABLE notes (body TEXT)", "ALTER TABLE notes ADD COLUMN at TEXT"]);
    migrate(db, "example", ["CREATE TABLE notes (body TEXT)", "ALTER TABLE notes ADD COLUMN at TEXT"]);

    expect(db.prepare("SELECT body, at FROM notes").all()).toEqual([{ body: "kept", at: null }]);
    expect(db.prepare("SELECT version FROM schema_versions WHERE module = 'example'").pluck().get()).toBe(2);
    // The long wait for another connection's step is the migration's alone.
    expect(db.pragma("busy_timeout", { simple: true })).toBe(1234);
    db.close();
  });
});
