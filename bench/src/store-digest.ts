import { createHash } from "node:crypto";
import { SqliteStore } from "@treatywatch/store";

/**
 * A digest of what a SQLite store holds of ingest: every item row, story and story member, in
 * key order. Two stores that took the same feeds the same way give the same digest, whatever
 * their schema's indexes or the order rows were written in.
 */
export async function storeDigest(
  path: string,
): Promise<{ digest: string; items: number; stories: number; members: number }> {
  const store = new SqliteStore(path);
  const { db } = store;
  try {
    const hash = createHash("sha256");
    const counts = { items: 0, stories: 0, members: 0 };
    const tables = [
      [
        "items",
        "SELECT id, feed_id, canonical_url, content_hash, fetched_at, relevant, story_id, item, verdict FROM items ORDER BY id",
      ],
      ["stories", "SELECT id, updated_at, story FROM stories ORDER BY id"],
      ["members", "SELECT story_id, item_id, at, fingerprint FROM story_members ORDER BY story_id, item_id"],
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
