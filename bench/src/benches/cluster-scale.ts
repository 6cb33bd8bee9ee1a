import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { foundStory } from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { placedWrite, placeInStory } from "@treatywatch/worker";
import { generateEntries } from "../generate.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";
import { type Classified, classifyEntries } from "../stories.ts";

const NOW = new Date("2026-11-28T12:00:00.000Z");
/** Stored items a day: about one a minute, whatever the archive's size. */
const PER_DAY = 1_440;
const MEMBERS_PER_STORY = 3;
/**
 * An archive of `count` clustered items ending just before `end`, written straight into the
 * store's tables in one transaction: the fingerprints and stories of a pool of generated
 * items, re-dated one a minute, three to a story.
 */
function buildArchive(store: SqliteStore, pool: readonly Classified[], count: number, end: Date): void {
  const { db } = store;
  const spacingMs = 86_400_000 / PER_DAY;
  const startMs = end.getTime() - count * spacingMs;
  const prints = pool.map(({ print }) => {
    const { at: _at, ...rest } = print;
    return JSON.stringify(rest).slice(0, -1);
  });
  const addStory = db.prepare("INSERT INTO stories (id, updated_at, story) VALUES (?, ?, ?)");
  const addMember = db.prepare("INSERT INTO story_members (story_id, item_id, at, fingerprint) VALUES (?, ?, ?, ?)");
  // A bulk load: secondary indexes are dropped and rebuilt after it (one sort each instead of a million
  // scattered inserts), with a large page cache for the load alone.
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('stories', 'story_members')",
    )
    .all() as { name: string; sql: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  const cacheSize = db.pragma("cache_size", { simple: true }) as number;
  db.pragma("cache_size = -1048576");
  db.pragma("synchronous = OFF");
  db.transaction(() => {
    for (let index = 0; index < count; index++) {
      const member = pool[index % pool.length];
      const json = prints[index % pool.length];
      if (!member || json === undefined) continue;
      const at = new Date(startMs + index * spacingMs).toISOString();
      const storyId = `sty_bench_${Math.floor(index / MEMBERS_PER_STORY)}`;
      if (index % MEMBERS_PER_STORY === 0) {
        addStory.run(storyId, at, JSON.stringify({ ...foundStory(member.item, member.verdict, at), id: storyId }));
      }
      addMember.run(storyId, `itm_bench_${index}`, at, `${json},"at":"${at}"}`);
    }
  })();
  for (const { sql } of indexes) db.exec(sql);
  db.pragma("synchronous = NORMAL");
  db.pragma(`cache_size = ${cacheSize}`);
  db.pragma("optimize");
  // The load went through the write-ahead log in one transaction and left a log file the size of
  // the archive, beside which assignment took about twice as long (1.34 ms an item against 0.61 at
  // a million). A store grown item by item checkpoints as it goes and never holds such a log: the
  // log is emptied, as such a store's would be.
  const [checkpoint] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
  if (checkpoint?.busy !== 0) throw new Error("cluster-scale: the archive's write-ahead log could not be emptied");
}

/** Story assignment for each new item as the worker does it: look up, pick, read, write. Mean ms an item. */
async function assign(store: SqliteStore, items: readonly Classified[]): Promise<number> {
  const now = NOW.toISOString();
  const start = performance.now();
  for (const { item, verdict, print } of items) {
    const prepared = { item, verdict, fingerprint: print };
    await store.saveIngest(placedWrite(prepared, await placeInStory(prepared, store, now)));
  }
  return (performance.now() - start) / items.length;
}

async function measure(
  size: number,
  pool: readonly Classified[],
  queries: readonly Classified[],
  log: (line: string) => void,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-cluster-"));
  try {
    const store = new SqliteStore(join(dir, "archive.db"));
    const built = performance.now();
    buildArchive(store, pool, size, new Date(NOW.getTime() - 3_600_000));
    log(`cluster-scale: ${num(size)} stored items built in ${num((performance.now() - built) / 1000, 1)} s`);
    await assign(store, queries.slice(0, 50)); // warm the statement cache and the page cache
    const ms = await assign(store, queries.slice(50));
    await store.close();
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const clusterScale: Bench = {
  name: "cluster-scale",
  async run({ quick, log }): Promise<Row[]> {
    const [small, large] = quick ? [2_000, 40_000] : [10_000, 1_000_000];
    const pool = classifyEntries(
      generateEntries(quick ? 4_000 : 30_000, { seed: 2, end: NOW, perDay: PER_DAY }),
      NOW.toISOString(),
    );
    // New reports arriving now: a different seed, dated within the last hours of the archive.
    const queries = classifyEntries(
      generateEntries(quick ? 600 : 2_000, { seed: 3, end: NOW, perDay: PER_DAY * 4 }),
      NOW.toISOString(),
    );
    const smallMs = await measure(small, pool, queries, log);
    const largeMs = await measure(large, pool, queries, log);
    const growth = largeMs / smallMs;
    return [
      {
        name: "cluster-scale",
        measured: `${num(largeMs, 3)} ms/item at ${num(large)}`,
        baseline: `${num(smallMs, 3)} ms/item at ${num(small)}`,
        ratio: ratio(growth),
        target: "< 1.5",
        pass: growth < 1.5,
        note:
          `story assignment (the SQLite store's \`storyCandidates\`, \`pickStory\`, \`getStory\`, \`saveIngest\`) for ` +
          `${num(queries.length - 50)} new relevant items against an archive of ${num(small)} and of ${num(large)} ` +
          `clustered items, one a minute, three to a story. The archives are written straight into the store's ` +
          `story tables in one transaction (fingerprints of ${num(pool.length)} generated relevant items, re-dated), ` +
          "since building a million through ingest one by one takes too long here, and its write-ahead log is emptied " +
          "after the load, as a store grown item by item keeps it; the items table is left empty, as assignment does not read it.",
      },
    ];
  },
};
