import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { Fetcher } from "@treatywatch/core";
import { parseFeed } from "@treatywatch/feeds";
import { SqliteStore } from "@treatywatch/store";
import { type FetchDeps, fetchFeed, normaliseEntries } from "@treatywatch/worker";
import { chunk, type GeneratedEntry, generateEntries, toRss } from "../generate.ts";
import { num, type Row, ratio } from "../report.ts";
import { storeDigest } from "../store-digest.ts";

/** Entries a feed carries on each poll, and how many of them are new on the second. */
const ENTRIES = 50;
const NEW_ON_REPOLL = 2;
const FIRST_POLL = new Date("2026-11-28T12:00:00.000Z");
const REPOLL = new Date("2026-11-28T12:15:00.000Z");
/** Each path is timed this many times, alternating, each on its own copy of the first poll's file. */
const ROUNDS = 2;

interface PolledFeed {
  url: string;
  /** The feed as the first poll finds it, and as the second does: the oldest entries gone, new ones on top. */
  first: Buffer;
  again: Buffer;
}

/** Newest first, as feeds list their entries. */
const document = (index: number, entries: readonly GeneratedEntry[]) =>
  Buffer.from(toRss(`Feed ${index}`, [...entries].reverse()));

function polledFeeds(count: number): PolledFeed[] {
  const perFeed = ENTRIES + NEW_ON_REPOLL;
  return chunk(generateEntries(count * perFeed, { seed: 7, end: REPOLL, perDay: 500 }), perFeed).map(
    (entries, index) => ({
      url: `https://news.example.org/repoll/${index}.xml`,
      first: document(index, entries.slice(0, ENTRIES)),
      // The second poll also edits one entry it repeats, as outlets correct a headline.
      again: document(
        index,
        entries
          .slice(NEW_ON_REPOLL)
          .map((entry, at) => (at === 0 ? { ...entry, title: `${entry.title} (updated)` } : entry)),
      ),
    }),
  );
}

/** Serves each feed's body from memory: what is measured is the worker's path, not the network. */
function fetcherOf(bodies: ReadonlyMap<string, Buffer>): Fetcher {
  return {
    fetch: async ({ url }) => {
      const body = bodies.get(url);
      if (!body) throw new Error(`no feed at ${url}`);
      return { status: "ok", body, contentType: "application/rss+xml", finalUrl: url };
    },
  };
}

/** The store as the fetch stage saw it before it asked what was stored: every entry is prepared. */
function withoutLookup(store: SqliteStore): FetchDeps["store"] {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "storedItemTexts") return undefined;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

interface Poll {
  ms: number;
  entries: number;
  fresh: number;
  duplicate: number;
}

/** Every feed fetched once, one after another, through `fetchFeed` into the file at `path`. */
async function pollAll(
  path: string,
  feeds: readonly PolledFeed[],
  which: "first" | "again",
  options: { at: Date; lookup: boolean },
): Promise<Poll> {
  const sqlite = new SqliteStore(path);
  const store = options.lookup ? sqlite : withoutLookup(sqlite);
  const fetcher = fetcherOf(new Map(feeds.map((feed) => [feed.url, feed[which]])));
  const deps = { store, fetcher, clock: { now: () => options.at } };
  const known = await Promise.all(feeds.map((feed) => sqlite.addFeed(feed.url, FIRST_POLL.toISOString())));
  const poll: Poll = { ms: 0, entries: 0, fresh: 0, duplicate: 0 };
  const start = performance.now();
  for (const { feed } of known) {
    const outcome = await fetchFeed(feed, deps);
    if (outcome.status !== "ok") throw new Error(`re-poll: ${feed.url} ${outcome.error?.message ?? outcome.status}`);
    poll.entries += outcome.entries;
    poll.fresh += outcome.summary.fresh;
    poll.duplicate += outcome.summary.duplicate;
  }
  poll.ms = performance.now() - start;
  await sqlite.close();
  return poll;
}

/** Parsing and normalising the second poll's feeds alone, in ms: what every entry costs before the store is asked. */
async function readOnly(feeds: readonly PolledFeed[]): Promise<number> {
  const start = performance.now();
  for (const [index, feed] of feeds.entries()) {
    const parsed = await parseFeed(feed.again, "application/rss+xml", { url: feed.url });
    if (!parsed.ok) throw new Error(`re-poll: ${feed.url} does not parse`);
    normaliseEntries(parsed.feed.entries, { feedId: `fd_${index}`, feedUrl: feed.url }, REPOLL.toISOString());
  }
  return performance.now() - start;
}

function copyDatabase(from: string, to: string): void {
  for (const suffix of ["", "-wal"]) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

/**
 * Feeds polled a second time with a few new entries each, through the whole fetch-to-store path,
 * against the same path preparing every entry (as before the fetch stage asked the store), each
 * on a copy of the same first poll; both must leave the same items and stories.
 */
export async function rePoll(dir: string, quick: boolean, log: (line: string) => void): Promise<Row> {
  const feeds = polledFeeds(quick ? 40 : 1_000);
  const seeded = join(dir, "first-poll.db");
  const first = await pollAll(seeded, feeds, "first", { at: FIRST_POLL, lookup: true });
  log(`re-poll: first poll stored ${num(first.fresh)} items of ${num(feeds.length)} feeds in ${num(first.ms)} ms`);
  const runs: Record<"lookup" | "every", Poll[]> = { lookup: [], every: [] };
  const digests = new Set<string>();
  let stored = { items: 0, stories: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so neither always meets the machine in the same state.
    const order = round % 2 === 0 ? (["every", "lookup"] as const) : (["lookup", "every"] as const);
    for (const path of order) {
      const file = join(dir, `re-poll-${path}-${round}.db`);
      copyDatabase(seeded, file);
      const poll = await pollAll(file, feeds, "again", { at: REPOLL, lookup: path === "lookup" });
      runs[path].push(poll);
      const digest = await storeDigest(file);
      digests.add(digest.digest);
      stored = digest;
      log(
        `re-poll (${path === "lookup" ? "stored entries looked up" : "every entry prepared"}): ` +
          `${num(poll.entries)} entries in ${num(poll.ms)} ms, ${num(poll.fresh)} new, ${num(poll.duplicate)} duplicate; ` +
          `store digest ${digest.digest}`,
      );
    }
  }
  const reading = Math.min(await readOnly(feeds), await readOnly(feeds));
  const best = (polls: Poll[]) => polls.reduce((a, b) => (b.ms < a.ms ? b : a));
  const lookup = best(runs.lookup);
  const every = best(runs.every);
  const counts = new Set([...runs.lookup, ...runs.every].map((poll) => `${poll.fresh}/${poll.duplicate}`));
  const same = digests.size === 1 && counts.size === 1;
  if (!same) throw new Error(`re-poll: the two paths stored different items or stories (${[...digests].join(", ")})`);
  const rate = (poll: Poll) => (poll.entries / poll.ms) * 1000;
  const micros = (poll: Poll) => (poll.ms * 1000) / poll.entries;
  const speedup = rate(lookup) / rate(every);
  return {
    name: "re-poll",
    measured: `${num(rate(lookup))} entries/s`,
    baseline: `every entry prepared ${num(rate(every))} entries/s`,
    ratio: ratio(speedup),
    target: "> 1x, same items and stories",
    pass: speedup > 1 && same,
    note:
      `${num(feeds.length)} generated RSS feeds of ${ENTRIES} entries, polled once into a SQLite file (untimed), then ` +
      `fetched again with ${NEW_ON_REPOLL} new entries each (the ${NEW_ON_REPOLL} oldest gone, one repeated entry's title edited), ${num(lookup.entries)} entries ` +
      `of which ${num(lookup.fresh)} new: the whole fetch-to-store path (\`fetchFeed\` one feed after another, the feed's ` +
      "body served from memory: parse, normalise, the store asked once a feed which ids it holds, the new entries " +
      "classified and stored, the feed's health recorded). The baseline is the same path preparing every entry, as " +
      "before the store was asked (each one classified, then found a duplicate by the store half), in the same run; " +
      `each path ran ${ROUNDS} times, alternating, each on its own copy of the first poll's file, the faster of each ` +
      `kept: ${num(micros(lookup), 1)} µs an entry against ${num(micros(every), 1)} µs; parsing and normalising ` +
      `alone, timed in a pass of their own, take ${num((reading * 1000) / lookup.entries, 1)} µs of it. Checked: every run left the same ` +
      `items, stories, members, held-over entries and feed health (${num(stored.items)} items, ${num(stored.stories)} stories; one digest of their rows) ` +
      "and the same counts of new and duplicate entries.",
  };
}
