import {
  type DeferredBatch,
  type DeferredItem,
  type DuplicateKeys,
  decodeCursor,
  encodeCursor,
  type Feed,
  type FeedUpdate,
  type IngestWrite,
  type Item,
  type ItemQuery,
  joinStory,
  MEMBERS_COMPARED,
  type Page,
  type PlacedReport,
  type Store,
  type StoredItem,
  type Story,
  type StoryCandidate,
  type StoryQuery,
  StoryWindow,
  stableId,
  type Timestamp,
  type WindowMember,
} from "@treatywatch/core";
import type Database from "better-sqlite3";
import type { Savepoints } from "./savepoints.ts";
import { migrate, openDatabase } from "./schema.ts";
import type { ItemText, StoredItemTexts } from "./stored-texts.ts";

/** The news store's schema steps, in order: a database records how many it has taken. Never edit one; add. */
export const NEWS_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    added_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_poll_at TEXT NOT NULL,
    health TEXT NOT NULL
  );
  CREATE INDEX feeds_due ON feeds (next_poll_at);

  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    feed_id TEXT NOT NULL,
    canonical_url TEXT,
    content_hash TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    relevant INTEGER NOT NULL,
    story_id TEXT,
    item TEXT NOT NULL,
    verdict TEXT NOT NULL
  );
  CREATE INDEX items_canonical_url ON items (canonical_url) WHERE canonical_url IS NOT NULL;
  CREATE INDEX items_content_hash ON items (content_hash);
  CREATE INDEX items_recent ON items (fetched_at DESC, id DESC);
  CREATE INDEX items_story ON items (story_id) WHERE story_id IS NOT NULL;

  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    updated_at TEXT NOT NULL,
    story TEXT NOT NULL
  );
  CREATE INDEX stories_recent ON stories (updated_at DESC, id DESC);

  CREATE TABLE story_members (
    story_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (story_id, item_id)
  );

  CREATE TABLE story_keys (
    key TEXT NOT NULL,
    story_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (key, story_id)
  ) WITHOUT ROWID;
  `,
  // Candidate lookups seek each key's recent range and each story's newest members, so their
  // cost follows the clustering window, not the size of the archive.
  `
  CREATE INDEX story_keys_recent ON story_keys (key, at);
  CREATE INDEX story_members_recent ON story_members (story_id, at);
  `,
  // Duplicate checks by URL and content look past the item's own feed when it has its own id,
  // as index ranges either side of it; the backlog keeps what a feed could not add in one tick.
  `
  DROP INDEX items_canonical_url;
  DROP INDEX items_content_hash;
  CREATE INDEX items_canonical_url ON items (canonical_url, feed_id) WHERE canonical_url IS NOT NULL;
  CREATE INDEX items_content_hash ON items (content_hash, feed_id);
  CREATE TABLE deferred_items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id TEXT NOT NULL,
    item TEXT NOT NULL,
    verdict TEXT NOT NULL,
    fingerprint TEXT NOT NULL
  );
  CREATE INDEX deferred_items_feed ON deferred_items (feed_id, seq);
  `,
  // Story assignment reads an in-memory window built from the members (by time) rather than a
  // table of index keys, so an item writes one member row instead of a row per key.
  `
  DROP TABLE story_keys;
  CREATE INDEX story_members_at ON story_members (at);
  `,
  // One index a story's members instead of two: the newest-members index, made unique on the
  // item, also keeps an item from being a member twice, which the primary key on (story, item)
  // did with an index of its own written for every member. Row numbers stay: the window's order.
  `
  CREATE TABLE story_members_rebuilt (
    story_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    at TEXT NOT NULL,
    fingerprint TEXT NOT NULL
  );
  INSERT INTO story_members_rebuilt (rowid, story_id, item_id, at, fingerprint)
    SELECT rowid, story_id, item_id, at, fingerprint FROM story_members ORDER BY rowid;
  DROP TABLE story_members;
  ALTER TABLE story_members_rebuilt RENAME TO story_members;
  CREATE UNIQUE INDEX story_members_recent ON story_members (story_id, at, item_id);
  CREATE INDEX story_members_at ON story_members (at);
  `,
  // A story merged into another leaves a redirect, so its id still leads to the story it joined.
  // Row numbers order the merges, so other connections fold in the ones made since they last looked.
  `
  CREATE TABLE story_merges (
    from_id TEXT PRIMARY KEY,
    into_id TEXT NOT NULL
  );
  CREATE INDEX story_merges_into ON story_merges (into_id);
  `,
];

/** Stories kept parsed between reads: those a busy poll joins again and again. */
const STORIES_CACHED = 256;

/**
 * Parsed stories by id, valid while no other connection commits (SQLite's data_version tells).
 * A story given out is frozen, so no reader can change what the next one is given.
 */
class StoryCache {
  readonly #stories = new Map<string, Story>();
  #version: number | undefined;

  constructor(private readonly size: number) {}

  get(id: string, version: number): Story | undefined {
    if (version !== this.#version) {
      this.#stories.clear();
      this.#version = version;
      return undefined;
    }
    return this.#stories.get(id);
  }

  remember(story: Story, version: number): void {
    if (version !== this.#version) {
      this.#stories.clear();
      this.#version = version;
    }
    this.#stories.delete(story.id);
    if (this.#stories.size >= this.size) {
      const oldest = this.#stories.keys().next();
      if (!oldest.done) this.#stories.delete(oldest.value);
    }
    this.#stories.set(story.id, deepFreeze(story));
  }

  forget(id: string): void {
    this.#stories.delete(id);
  }

  clear(): void {
    this.#stories.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const field of Object.values(value)) deepFreeze(field);
  return Object.freeze(value);
}

/** Deferred items written in one transaction. */
const DEFER_CHUNK = 500;

interface FeedRow {
  id: string;
  url: string;
  title: string | null;
  added_at: string;
  etag: string | null;
  last_modified: string | null;
  next_poll_at: string;
  health: string;
}

function feedFrom(row: FeedRow): Feed {
  return {
    id: row.id,
    url: row.url,
    title: row.title ?? undefined,
    addedAt: row.added_at,
    etag: row.etag ?? undefined,
    lastModified: row.last_modified ?? undefined,
    nextPollAt: row.next_poll_at,
    health: JSON.parse(row.health),
  };
}

interface ItemRow {
  item: string;
  verdict: string;
  story_id: string | null;
}

interface MemberRow {
  seq: number;
  story_id: string;
  item_id: string;
  fingerprint: string;
}

function memberFrom(row: MemberRow): WindowMember {
  return { storyId: row.story_id, itemId: row.item_id, fingerprint: JSON.parse(row.fingerprint), seq: row.seq };
}

/**
 * Index entries the story window holds before it first forgets those older than the lookup at
 * hand; from then on it forgets them each time it has doubled. Entries past the clustering window
 * are passed over by every lookup that meets their keys, so they are not kept long: a stream of
 * new stories costs the same to assign after a hundred thousand items as after ten thousand.
 */
const WINDOW_ENTRIES = 20_000;
/** Member rows this connection wrote that the window remembers having added, before it folds them in for good. */
const OWN_ROWS_KEPT = 10_000;

/**
 * The stored item an entry duplicates, looked for in order by id, by canonical URL, then by
 * content, in one statement that stops at the first row found. An entry with its own id is
 * matched by URL or content only against other feeds' items: two seeks either side of its feed
 * in each index, whatever its own feed holds.
 */
function duplicateQuery(sides: readonly string[]): string {
  const looks = ["id = @id"];
  for (const column of ["canonical_url = @url", "content_hash = @hash"]) {
    for (const side of sides) looks.push(`${column} AND ${side}`);
  }
  return `${looks.map((look) => `SELECT item, verdict, story_id FROM items WHERE ${look}`).join(" UNION ALL ")} LIMIT 1`;
}
const DUPLICATE = duplicateQuery(["1"]);
const DUPLICATE_OF_OWN_ID = duplicateQuery(["feed_id < @feed", "feed_id > @feed"]);

/** The failure of work whose transaction SQLite rolled back of its own accord before it ended. */
function lostTransaction(): Error {
  return new Error("the transaction was rolled back before its work ended");
}

/** The stories a write names as absorbed into its story, without the story itself or repeats. */
function absorbedBy(story: Story, absorbed: readonly string[] | undefined): string[] {
  return [...new Set(absorbed ?? [])].filter((id) => id !== story.id);
}

function storedFrom(row: ItemRow): StoredItem {
  return { item: JSON.parse(row.item), verdict: JSON.parse(row.verdict), storyId: row.story_id ?? undefined };
}

function page<T extends { id: string }>(rows: T[], limit: number, sortKey: (row: T) => string): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor: rows.length > limit && last ? encodeCursor({ key: sortKey(last), id: last.id }) : undefined,
  };
}

/** The embedded Store: one SQLite file in WAL mode. */
export class SqliteStore implements Store, StoredItemTexts, Savepoints {
  readonly db: Database.Database;

  readonly #windowEntries: number;

  /**
   * Opens a database file (or ":memory:"), or shares one another adapter opened. `windowEntries`
   * bounds the story window's index entries in memory.
   */
  constructor(database: string | Database.Database, options: { windowEntries?: number } = {}) {
    this.db = typeof database === "string" ? openDatabase(database) : database;
    migrate(this.db, "news", NEWS_MIGRATIONS);
    this.#windowEntries = options.windowEntries ?? WINDOW_ENTRIES;
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per SQL text: preparing costs more than many small queries. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /**
   * Changes whenever the data may have: rows this connection changed (`total_changes()`) and
   * commits by other connections to the same file (`data_version`). Cheap enough to ask per request.
   */
  dataVersion(): string {
    const own = this.statement("SELECT total_changes()").pluck().get() as number;
    return `${own}.${this.#foreignVersion()}`;
  }

  async addFeed(url: string, now: Timestamp, title?: string): Promise<{ feed: Feed; created: boolean }> {
    const id = stableId("fd", url);
    const inserted = this.db
      .prepare(
        `INSERT INTO feeds (id, url, title, added_at, next_poll_at, health)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`,
      )
      .run(id, url, title ?? null, now, now, JSON.stringify({ consecutiveFailures: 0 }));
    const row = this.db.prepare("SELECT * FROM feeds WHERE url = ?").get(url) as FeedRow;
    return { feed: feedFrom(row), created: inserted.changes > 0 };
  }

  async getFeed(id: string): Promise<Feed | undefined> {
    const row = this.statement("SELECT * FROM feeds WHERE id = ?").get(id) as FeedRow | undefined;
    return row && feedFrom(row);
  }

  async listFeeds(): Promise<Feed[]> {
    return (this.db.prepare("SELECT * FROM feeds ORDER BY added_at, url").all() as FeedRow[]).map(feedFrom);
  }

  async removeFeed(id: string): Promise<boolean> {
    return this.db.prepare("DELETE FROM feeds WHERE id = ?").run(id).changes > 0;
  }

  async dueFeeds(now: Timestamp, limit: number): Promise<Feed[]> {
    const rows = this.db
      .prepare("SELECT * FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id LIMIT ?")
      .all(now, limit) as FeedRow[];
    return rows.map(feedFrom);
  }

  async leaseDueFeeds(now: Timestamp, limit: number, leaseUntil: Timestamp): Promise<Feed[]> {
    const due = await this.dueFeeds(now, limit);
    // Conditional on the poll time read, so another process's lease or fetch since wins.
    const lease = this.db.prepare("UPDATE feeds SET next_poll_at = ? WHERE id = ? AND next_poll_at = ?");
    return due
      .filter((feed) => lease.run(leaseUntil, feed.id, feed.nextPollAt).changes > 0)
      .map((feed) => ({ ...feed, nextPollAt: leaseUntil }));
  }

  async recordFetch(feedId: string, update: FeedUpdate): Promise<Feed | undefined> {
    this.#checkBatch();
    // One statement a fetch: health is updated inside SQLite rather than read, merged and written back.
    const outcome = update.error
      ? `json_set(health, '$.lastErrorAt', @at, '$.lastError', json(@error),
           '$.consecutiveFailures', coalesce(json_extract(health, '$.consecutiveFailures'), 0) + 1)`
      : "json_set(health, '$.lastSuccessAt', @at, '$.consecutiveFailures', 0)";
    const validators = update.error ? "" : "etag = @etag, last_modified = @lastModified,";
    const row = this.statement(
      `UPDATE feeds SET ${validators} title = coalesce(@title, title), next_poll_at = @next,
         health = json_set(${outcome},
           '$.lastDamageAt', CASE WHEN @damage IS NULL THEN json_extract(health, '$.lastDamageAt') ELSE @at END,
           '$.lastDamage', CASE WHEN @damage IS NULL THEN json_extract(health, '$.lastDamage') ELSE json(@damage) END,
           '$.deferred', coalesce(@deferred, json_extract(health, '$.deferred'), 0))
       WHERE id = @id RETURNING *`,
    ).get({
      id: feedId,
      title: update.title ?? null,
      next: update.nextPollAt,
      at: update.at,
      ...(update.error
        ? { error: JSON.stringify(update.error) }
        : { etag: update.etag ?? null, lastModified: update.lastModified ?? null }),
      damage: update.damage ? JSON.stringify(update.damage) : null,
      deferred: update.deferred ?? null,
    }) as FeedRow | undefined;
    return row && feedFrom(row);
  }

  async findDuplicate(keys: DuplicateKeys): Promise<StoredItem | undefined> {
    const params = {
      id: keys.id,
      url: keys.canonicalUrl ?? null,
      hash: keys.contentHash,
      feed: keys.feedId ?? "",
    };
    const row = this.statement(keys.guid ? DUPLICATE_OF_OWN_ID : DUPLICATE).get(params);
    return row ? storedFrom(row as ItemRow) : undefined;
  }

  async storedItemTexts(ids: readonly string[]): Promise<Map<string, ItemText>> {
    const texts = new Map<string, ItemText>();
    if (ids.length === 0) return texts;
    // One statement whatever the number of ids: they come in as one JSON array.
    const rows = this.statement(
      `SELECT id, item ->> '$.title' AS title, item ->> '$.summary' AS summary FROM items
         WHERE id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as Array<{ id: string; title: string; summary: string }>;
    for (const { id, title, summary } of rows) texts.set(id, { title, summary });
    return texts;
  }

  async updateItemText(id: string, title: string, summary: string): Promise<void> {
    this.#checkBatch();
    this.db
      .prepare(`UPDATE items SET item = json_set(item, '$.title', ?, '$.summary', ?) WHERE id = ?`)
      .run(title, summary, id);
  }

  async storyCandidates(keys: readonly string[], since: Timestamp, limit: number): Promise<StoryCandidate[]> {
    if (keys.length === 0) return [];
    this.#checkBatch();
    const window = this.#storyWindow(since);
    const ids = window.rank(keys, since, limit);
    for (const storyId of ids) if (!window.complete(storyId)) window.setNewest(storyId, this.#newestMembers(storyId));
    return window.candidates(ids);
  }

  /** The story window, holding every member from `since` on and every write since it was built. */
  #storyWindow(since: Timestamp): StoryWindow {
    const state = this.#window;
    if (!state) {
      const window = new StoryWindow();
      // The version first: a commit after it is folded in on the next lookup, by row number.
      const dataVersion = this.#foreignVersion();
      const lastMember = this.statement("SELECT coalesce(max(rowid), 0) FROM story_members").pluck().get() as number;
      const lastMerge = this.statement("SELECT coalesce(max(rowid), 0) FROM story_merges").pluck().get() as number;
      this.#window = { window, horizon: since, lastMember, lastMerge, own: new Set(), dataVersion, kept: 0 };
      this.#foldMembers(
        "SELECT rowid AS seq, story_id, item_id, fingerprint FROM story_members WHERE at >= ? AND rowid <= ?",
        since,
        lastMember,
      );
      return window;
    }
    const version = this.#foreignVersion();
    if (version !== state.dataVersion) {
      // Another connection committed: fold in the members it wrote, then the stories it merged.
      state.dataVersion = version;
      this.#foldNewMembers();
      this.#foldNewMerges();
    }
    if (since < state.horizon) {
      // An older item than any before: the window reaches back to its time.
      this.#foldMembers(
        "SELECT rowid AS seq, story_id, item_id, fingerprint FROM story_members WHERE at >= ? AND at < ?",
        since,
        state.horizon,
      );
      state.horizon = since;
    }
    if (state.window.entries > Math.max(this.#windowEntries, 2 * state.kept)) {
      // Bounded memory: what lookups from this one's time on need stays, the rest is read again if asked for.
      state.window.evictBefore(since);
      state.horizon = since;
      state.kept = state.window.entries;
    }
    return state.window;
  }

  #window:
    | {
        window: StoryWindow;
        /** Every member from this time on is in the window. */
        horizon: Timestamp;
        /** Every member row up to this one is in the window. */
        lastMember: number;
        /** Every merge up to this row is folded into the window. */
        lastMerge: number;
        /** Rows after `lastMember` this connection wrote and added itself. */
        own: Set<number>;
        dataVersion: number;
        /** Entries left by the last eviction. */
        kept: number;
      }
    | undefined;

  /** Commits by other connections to the file change this; this connection's own do not. */
  #foreignVersion(): number {
    if (this.#batchVersion !== undefined && this.db.inTransaction) return this.#batchVersion;
    const version = this.statement("PRAGMA data_version").pluck().get() as number;
    if (this.#inBatch && this.db.inTransaction) this.#batchVersion = version;
    return version;
  }

  /**
   * Inside a batch this connection holds the write lock, so no other connection commits: the
   * version read first in the batch holds until it ends, and is read once, not once a lookup.
   */
  #inBatch = false;
  #batchVersion: number | undefined;
  /** Set when SQLite rolled the batch under way back of its own accord: nothing more is written until it ends. */
  #lost = false;

  /**
   * A batch whose transaction SQLite rolled back of its own accord (a full disk, an I/O error)
   * holds no lock and wrote nothing. The rest of its work fails rather than write outside a
   * transaction, until the batch ends; the window and stories this connection keeps, which hold
   * its writes, are read again.
   */
  #checkBatch(): void {
    if (this.#lost) throw lostTransaction();
    if (!this.#inBatch || this.db.inTransaction) return;
    this.#inBatch = false;
    this.#batchVersion = undefined;
    this.#lost = true;
    this.#forgetOwnWrites();
    throw lostTransaction();
  }

  /** What this connection keeps of its own writes, dropped when they were undone. */
  #forgetOwnWrites(): void {
    this.#window = undefined;
    this.#stories.clear();
  }

  #foldMembers(sql: string, ...params: Array<string | number>): void {
    const state = this.#window;
    if (!state) return;
    for (const row of this.statement(sql).all(...params) as MemberRow[]) state.window.add(memberFrom(row));
  }

  /** Folds in every member written since the last fold, but for those this connection wrote and added already. */
  #foldNewMembers(): void {
    const state = this.#window;
    if (!state) return;
    const rows = this.statement(
      "SELECT rowid AS seq, story_id, item_id, fingerprint FROM story_members WHERE rowid > ?",
    ).all(state.lastMember) as MemberRow[];
    for (const row of rows) {
      if (!state.own.has(row.seq)) state.window.add(memberFrom(row));
      if (row.seq > state.lastMember) state.lastMember = row.seq;
    }
    state.own.clear();
  }

  /** Folds in the merges recorded since the last fold: another connection's (this one's own are folded already, and fold again to no effect). */
  #foldNewMerges(): void {
    const state = this.#window;
    if (!state) return;
    const merges = this.statement(
      "SELECT rowid AS seq, from_id, into_id FROM story_merges WHERE rowid > ? ORDER BY rowid",
    ).all(state.lastMerge) as Array<{ seq: number; from_id: string; into_id: string }>;
    for (const merge of merges) {
      state.window.merge(merge.into_id, merge.from_id);
      state.lastMerge = merge.seq;
    }
  }

  /**
   * A write for a story merged since the writer read it (another process, or reclassify beside the
   * poller) is not written back as it was read: its report joins the story it went into.
   */
  #ontoSurvivor(write: IngestWrite): IngestWrite {
    const { story, stored } = write;
    const storyId = story?.id ?? stored.storyId;
    const into = storyId === undefined ? undefined : this.#mergedInto(storyId);
    if (!into) return write;
    // Saved without its story (a new verdict alone), the item is simply the survivor's.
    if (!story) return { ...write, stored: { ...stored, storyId: into } };
    const survivor = this.#storyById(into);
    if (!survivor) return write;
    const joined = joinStory(survivor, stored.item, stored.verdict, story.updatedAt).story;
    return { ...write, stored: { ...stored, storyId: joined.id }, story: joined };
  }

  /** The story a story id was merged into, if it was (merges are kept flat: one look-up). */
  #mergedInto(id: string): string | undefined {
    return this.statement("SELECT into_id FROM story_merges WHERE from_id = ?").pluck().get(id) as string | undefined;
  }

  /** A story's newest members, newest first, ties to the one written last. */
  #newestMembers(storyId: string): WindowMember[] {
    const rows = this.statement(
      `SELECT rowid AS seq, story_id, item_id, fingerprint FROM story_members INDEXED BY story_members_recent
         WHERE story_id = ? ORDER BY at DESC, rowid DESC LIMIT ?`,
    ).all(storyId, MEMBERS_COMPARED) as MemberRow[];
    return rows.map(memberFrom);
  }

  async saveIngest(given: IngestWrite): Promise<void> {
    this.#checkBatch();
    const write = this.#ontoSurvivor(given);
    const { story } = write;
    // Inside a batch a story is written once, as it stands at the end: one feed often joins one story many times.
    const pending = story ? this.#pendingStories : undefined;
    this.#saveIngestRows ??= this.db.transaction(this.#writeIngestRows.bind(this));
    const written = this.#saveIngestRows(write, pending === undefined);
    const absorbed = story ? absorbedBy(story, write.absorbed) : [];
    if (story && pending) {
      // Stories it absorbed are no longer written at the batch's end; undoing the savepoint puts them back.
      for (const id of [story.id, ...absorbed]) {
        if (this.#journal && !this.#journal.has(id)) this.#journal.set(id, pending.get(id));
      }
      for (const id of absorbed) pending.delete(id);
      pending.set(story.id, story);
    }
    for (const id of absorbed) this.#stories.forget(id);
    const state = this.#window;
    if (story && state) for (const id of absorbed) state.window.merge(story.id, id);
    if (written && state) {
      state.window.add(written);
      state.own.add(written.seq);
      // Now and then, so the set of own rows stays small however long no other connection writes.
      if (state.own.size >= OWN_ROWS_KEPT) this.#foldNewMembers();
    }
  }

  /** `#writeIngestRows` in a transaction (a savepoint inside a batch), made once: making one costs more than its rows. */
  #saveIngestRows:
    | Database.Transaction<(write: IngestWrite, withStory: boolean) => WindowMember | undefined>
    | undefined;

  /** An ingested item's rows: the item, then its story (unless a batch writes it at its end) and membership. */
  #writeIngestRows(
    { stored, story, fingerprint, absorbed }: IngestWrite,
    withStory: boolean,
  ): WindowMember | undefined {
    const storyId = stored.storyId ?? null;
    const item = JSON.stringify(stored.item);
    const verdict = JSON.stringify(stored.verdict);
    const relevant = stored.verdict.relevant ? 1 : 0;
    const added = this.statement(
      `INSERT INTO items (id, feed_id, canonical_url, content_hash, fetched_at, relevant, story_id, item, verdict)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(
      stored.item.id,
      stored.item.feedId,
      stored.item.canonicalUrl ?? null,
      stored.item.contentHash,
      stored.item.fetchedAt,
      relevant,
      storyId,
      item,
      verdict,
    ).changes;
    // An item saved again (a new verdict) keeps its keys and the time it was first fetched.
    if (added === 0) {
      this.statement("UPDATE items SET story_id = ?, item = ?, verdict = ?, relevant = ? WHERE id = ?").run(
        storyId,
        item,
        verdict,
        relevant,
        stored.item.id,
      );
    }
    if (!story) return undefined;
    for (const id of absorbedBy(story, absorbed)) this.#writeMerge(story.id, id);
    if (withStory) this.#writeStory(story);
    if (!fingerprint) return undefined;
    const member = this.statement(
      "INSERT OR REPLACE INTO story_members (story_id, item_id, at, fingerprint) VALUES (?, ?, ?, ?)",
    ).run(story.id, stored.item.id, fingerprint.at, JSON.stringify(fingerprint));
    // Only an item stored before can be a member already, perhaps under another time: its older
    // row goes, as a member is unique by story and item. It goes after the new row is written, so
    // row numbers only grow and other connections, which read members above the last number they
    // saw, see the change. A new item, nearly every one, skips this.
    if (added === 0) {
      this.statement("DELETE FROM story_members WHERE story_id = ? AND item_id = ? AND rowid <> ?").run(
        story.id,
        stored.item.id,
        member.lastInsertRowid,
      );
    }
    return { storyId: story.id, itemId: stored.item.id, fingerprint, seq: Number(member.lastInsertRowid) };
  }

  /**
   * Story `from` becomes part of `into`: its items and members are `into`'s, its own row goes, and
   * its id (and every id that led to it) leads to `into`.
   */
  #writeMerge(into: string, from: string): void {
    this.statement("UPDATE items SET story_id = ? WHERE story_id = ?").run(into, from);
    // A member of both keeps one row, as a member is unique by story and item.
    this.statement("UPDATE OR REPLACE story_members SET story_id = ? WHERE story_id = ?").run(into, from);
    this.statement("DELETE FROM stories WHERE id = ?").run(from);
    this.statement("UPDATE story_merges SET into_id = ? WHERE into_id = ?").run(into, from);
    this.statement("DELETE FROM story_merges WHERE from_id = ?").run(into);
    this.statement("INSERT OR REPLACE INTO story_merges (from_id, into_id) VALUES (?, ?)").run(from, into);
  }

  #writeStory(story: Story): void {
    this.statement(
      `INSERT INTO stories (id, updated_at, story) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, story = excluded.story`,
    ).run(story.id, story.updatedAt, JSON.stringify(story));
    this.#stories.remember(story, this.#foreignVersion());
  }

  /** Stories saved in the batch under way, written when it ends; undefined outside a batch. */
  #pendingStories: Map<string, Story> | undefined;

  /** In a savepoint inside a batch: each story it saved as it stood before (undefined: not saved yet in the batch). */
  #journal: Map<string, Story | undefined> | undefined;

  /** Stories this connection wrote or read lately, as long as no other connection has committed since. */
  readonly #stories = new StoryCache(STORIES_CACHED);

  async batch<T>(work: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return work();
    return this.#unit(work, false);
  }

  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    return this.#unit(work, true);
  }

  /**
   * Runs `work` as a transaction, or as a savepoint inside the one under way, with the stories it
   * saves written once at the transaction's end. Work that throws keeps its writes (a batch: each
   * item's own savepoint already undid a half-written one) or, with `undoOnFailure`, has them
   * undone; stories that cannot be written take the whole transaction back with them either way,
   * and its items come again.
   */
  async #unit<T>(work: () => Promise<T>, undoOnFailure: boolean): Promise<T> {
    this.#checkBatch();
    const nested = this.db.inTransaction;
    if (nested) this.db.exec("SAVEPOINT unit");
    else {
      // IMMEDIATE: the write lock is taken (waiting out busy_timeout) before the first read, so a
      // commit by another process (the API beside the poller) cannot invalidate the work midway.
      this.db.exec("BEGIN IMMEDIATE");
      this.#inBatch = true;
      this.#batchVersion = undefined;
    }
    // A unit inside another saves its stories into the enclosing one's, written once at the end of
    // the transaction (feeds sharing a commit often join the same stories), and journals what each
    // story was before it, so that undoing the unit puts them back.
    const enclosing = this.#pendingStories;
    const enclosingJournal = this.#journal;
    const pending = enclosing ?? new Map<string, Story>();
    const journal = enclosing ? new Map<string, Story | undefined>() : undefined;
    this.#pendingStories = pending;
    this.#journal = journal;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await work() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.#pendingStories = enclosing;
    this.#journal = enclosingJournal;
    // A savepoint whose transaction SQLite rolled back of its own accord (a full disk, an I/O error)
    // has lost its writes: its stories go back too.
    const lost = !this.db.inTransaction || this.#lost;
    let undo = lost || (!outcome.ok && undoOnFailure);
    if (journal) {
      for (const [id, before] of journal) {
        if (undo) before ? pending.set(id, before) : pending.delete(id);
        else if (enclosingJournal && !enclosingJournal.has(id)) enclosingJournal.set(id, before);
      }
    } else if (!undo) {
      try {
        for (const story of pending.values()) this.#writeStory(story);
      } catch (error) {
        undo = true;
        if (outcome.ok) outcome = { ok: false, error };
      }
    }
    this.#end(nested, undo);
    if (!nested) this.#lost = false;
    if (!outcome.ok) throw outcome.error;
    // Work that must stand or fall whole has lost the writes it made before SQLite gave up.
    if (lost) throw lostTransaction();
    return outcome.value;
  }

  /** Ends a unit begun by `#unit`: released or committed, or undone. */
  #end(nested: boolean, undo: boolean): void {
    // SQLite may have rolled the whole transaction back of its own accord (a full disk, an I/O
    // error): then nothing of it is left to end, and none of its writes stands.
    const held = this.db.inTransaction;
    if (!nested) {
      this.#inBatch = false;
      this.#batchVersion = undefined;
    }
    try {
      if (held && nested) this.db.exec(undo ? "ROLLBACK TO unit; RELEASE unit" : "RELEASE unit");
      else if (held) this.db.exec(undo ? "ROLLBACK" : "COMMIT");
    } catch (error) {
      if (!nested && this.db.inTransaction) this.db.exec("ROLLBACK");
      this.#forgetOwnWrites();
      throw error;
    } finally {
      // The window and the stories kept hold the writes undone: they are read again.
      if (undo || !held) this.#forgetOwnWrites();
    }
  }

  async deferItems(feedId: string, items: readonly DeferredItem[]): Promise<void> {
    this.#checkBatch();
    const insert = this.statement(
      "INSERT INTO deferred_items (feed_id, item, verdict, fingerprint) VALUES (?, ?, ?, ?)",
    );
    const write = this.db.transaction((chunk: readonly DeferredItem[]) => {
      for (const { item, verdict, fingerprint } of chunk) {
        insert.run(feedId, JSON.stringify(item), JSON.stringify(verdict), JSON.stringify(fingerprint));
      }
    });
    // In short transactions, so another process waiting to write is not held up for long.
    for (let start = 0; start < items.length; start += DEFER_CHUNK)
      write.immediate(items.slice(start, start + DEFER_CHUNK));
  }

  async deferredItems(feedId: string, limit: number): Promise<DeferredBatch> {
    const rows = this.statement(
      "SELECT seq, item, verdict, fingerprint FROM deferred_items WHERE feed_id = ? ORDER BY seq LIMIT ?",
    ).all(feedId, limit + 1) as Array<{ seq: number; item: string; verdict: string; fingerprint: string }>;
    return {
      items: rows.slice(0, limit).map((row) => ({
        key: String(row.seq),
        item: JSON.parse(row.item),
        verdict: JSON.parse(row.verdict),
        fingerprint: JSON.parse(row.fingerprint),
      })),
      more: rows.length > limit,
    };
  }

  async dropDeferred(feedId: string, keys: readonly string[]): Promise<void> {
    this.#checkBatch();
    const drop = this.statement("DELETE FROM deferred_items WHERE feed_id = ? AND seq = ?");
    this.db.transaction(() => {
      for (const key of keys) drop.run(feedId, Number(key));
    })();
  }

  async getStory(id: string): Promise<Story | undefined> {
    const story = this.#storyById(id);
    if (story) return story;
    // Merges are kept flat: an id leads straight to the story it was last merged into.
    const into = this.#mergedInto(id);
    return into === undefined ? undefined : this.#storyById(into);
  }

  /** The story stored under this very id, if any. */
  #storyById(id: string): Story | undefined {
    const pending = this.#pendingStories?.get(id);
    if (pending) return pending;
    const version = this.#foreignVersion();
    const cached = this.#stories.get(id, version);
    if (cached) return cached;
    const json = this.statement("SELECT story FROM stories WHERE id = ?").pluck().get(id) as string | undefined;
    if (json === undefined) return undefined;
    const story = JSON.parse(json) as Story;
    this.#stories.remember(story, version);
    return story;
  }

  async listStories(query: StoryQuery): Promise<Page<Story>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit + 1 };
    if (after) {
      where.push("(updated_at < @afterKey OR (updated_at = @afterKey AND id < @afterId))");
      params.afterKey = after.key;
      params.afterId = after.id;
    }
    for (const [field, value] of [
      ["topics", query.topic],
      ["countries", query.country],
      ["treaties", query.treaty],
      ["languages", query.language],
    ] as const) {
      if (value === undefined) continue;
      where.push(`EXISTS (SELECT 1 FROM json_each(story, '$.${field}') WHERE value = @${field})`);
      params[field] = value;
    }
    if (query.since) {
      where.push("updated_at >= @since");
      params.since = query.since;
    }
    const rows = this.statement(
      `SELECT story FROM stories ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY updated_at DESC, id DESC LIMIT @limit`,
    )
      .pluck()
      .all(params) as string[];
    return page(
      rows.map((json) => JSON.parse(json) as Story),
      query.limit,
      (story) => story.updatedAt,
    );
  }

  async getItem(id: string): Promise<StoredItem | undefined> {
    const row = this.db.prepare("SELECT item, verdict, story_id FROM items WHERE id = ?").get(id) as
      | ItemRow
      | undefined;
    return row && storedFrom(row);
  }

  async placedReports(ids: readonly string[]): Promise<Map<string, PlacedReport>> {
    const placed = new Map<string, PlacedReport>();
    if (ids.length === 0) return placed;
    // One statement whatever the number of ids, as `storedItemTexts` reads them.
    const rows = this.statement("SELECT item, verdict FROM items WHERE id IN (SELECT value FROM json_each(?))").all(
      JSON.stringify(ids),
    ) as Array<{ item: string; verdict: string }>;
    for (const row of rows) {
      const item = JSON.parse(row.item) as Item;
      placed.set(item.id, { item, verdict: JSON.parse(row.verdict) });
    }
    return placed;
  }

  async listItems(query: ItemQuery): Promise<Page<StoredItem>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit + 1 };
    if (after) {
      where.push("(fetched_at < @afterKey OR (fetched_at = @afterKey AND id < @afterId))");
      params.afterKey = after.key;
      params.afterId = after.id;
    }
    if (query.relevant !== undefined) {
      where.push("relevant = @relevant");
      params.relevant = query.relevant ? 1 : 0;
    }
    if (query.feedId) {
      where.push("feed_id = @feedId");
      params.feedId = query.feedId;
    }
    if (query.storyId) {
      // A story merged into another lists the items of the story it went into (merges are kept flat).
      where.push("story_id = coalesce((SELECT into_id FROM story_merges WHERE from_id = @storyId), @storyId)");
      params.storyId = query.storyId;
    }
    const rows = this.db
      .prepare(
        `SELECT id, fetched_at, item, verdict, story_id FROM items
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY fetched_at DESC, id DESC LIMIT @limit`,
      )
      .all(params) as Array<ItemRow & { id: string; fetched_at: string }>;
    const result = page(rows, query.limit, (row) => row.fetched_at);
    return { data: result.data.map(storedFrom), nextCursor: result.nextCursor };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
