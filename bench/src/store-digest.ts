import { createHash } from "node:crypto";
import { SqliteStore } from "@treatywatch/store";

/**
 * A digest of what a SQLite store holds of ingest: every item row, story, story member (with
 * its row number, which orders members of one time), entry held over for a later tick and
 * feed's health, in key order. Two stores that took the same feeds the same way give the same
 * digest, whatever their schema's indexes.
 */
export async function storeDigest(
  path: string,
): Promise<{ digest: string; items: number; stories: number; members: number; held: number; feeds: number }> {
  const store = new SqliteStore(path);
  const { db } = store;
  try {
    const hash = createHash("sha256");
    const counts = { items: 0, stories: 0, members: 0, held: 0, feeds: 0 };
    const tables = [
      [
        "items",
        "SELECT id, feed_id, canonical_url, content_hash, fetched_at, relevant, story_id, item, verdict FROM items ORDER BY id",
      ],
      ["stories", "SELECT id, updated_at, story FROM stories ORDER BY id"],
      ["members", "SELECT story_id, item_id, at, fingerprint, rowid FROM story_members ORDER BY story_id, item_id"],
      ["held", "SELECT feed_id, item, verdict, fingerprint FROM deferred_items ORDER BY seq"],
      ["feeds", "SELECT id, url, title, etag, last_modified, next_poll_at, health FROM feeds ORDER BY id"],
    ] as const;
    for (const [name, sql] of tables) {
      hash.update(`\u0000${name}\u0000`);
      for (const row of db.prepare(sql).raw().iterate()) {
        hash.update(JSON.stringify(row));
        hash.update("\n");
        counts[name]++;
      }
    }
    return { digest: hash.digest("hex").slice(0, 16), ...counts };
  } finally {
    await store.close();
  }
}
