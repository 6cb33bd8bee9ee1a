import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  CANDIDATE_LIMIT,
  DEFAULT_CLUSTER_OPTIONS,
  distinctChanges,
  type Fingerprint,
  fnv1a,
  foundStory,
  type Item,
  indexKeys,
  joinStory,
  lookupKeys,
  mayMergeStories,
  mergeStories,
  type PlacedReport,
  pickStory,
  placementOf,
  rankBySharedKeys,
  reportsBefore,
  type Story,
  type StoryCandidate,
  type StoryChange,
  similarity,
  type Timestamp,
  type Verdict,
} from "@treatywatch/core";
import {
  batchGet,
  batchPut,
  foldStories,
  followed,
  GET_LIMIT,
  itemKey,
  itemRecord,
  markerRecords,
  mergedInto,
  packJson,
  placedReports,
  type RecordKey,
  storyKey,
  storyOf,
  storyRecord,
  unpackJson,
} from "./records.ts";
import {
  decodeEntries,
  type Entries,
  encodeEntries,
  type KnownIndexRecord,
  type KnownStory,
  ShardCache,
  type ShardCacheLimits,
  type Stamps,
} from "./shard-cache.ts";
import { type DynamoTableOptions, documentClient, expiresAt, isConditionFailure } from "./shared.ts";

/**
 * Which assignment shard an item goes to: a MinHash (the smallest hash) of the countries and
 * treaties it names, or of its index keys when it names none. Reports of one event name the
 * same country and treaty, so they land in one shard with a probability equal to the share of
 * those they have in common; copies of one report always do. Correctness does not rest on it:
 * shards that meet are kept apart by claims, and the shard key only decides how often they meet.
 */
export function storyShard(print: Fingerprint, shards: number): number {
  const entities = [
    ...print.countries.map((country) => `c:${country}`),
    ...print.treaties.map((treaty) => `t:${treaty}`),
  ];
  let least = 0xffffffff;
  for (const key of entities.length > 0 ? entities : indexKeys(print)) least = Math.min(least, fnv1a(key));
  return least % Math.max(1, shards);
}

export interface DynamoStoryShardsOptions extends DynamoTableOptions {
  /** How many shards assign stories at once: message groups of the ingest queue. */
  shards: number;
  /** How long a shard's index records are kept after their newest entry, in days. */
  clusterIndexTtlDays?: number | undefined;
  /** How long items are kept after they were fetched, in days; unset keeps them. */
  itemRetentionDays?: number | undefined;
  /** How long another shard's claim holds before it is taken as abandoned; longer than one assignment can run. */
  claimLeaseMs?: number | undefined;
  /** How long a shard waits for the shards it meets before it gives up (and its batch is retried). */
  maxWaitMs?: number | undefined;
  /** Between reads while waiting. */
  pollMs?: number | undefined;
  /** Wall-clock time for claims and their leases; a parameter so tests can move it. */
  now?: () => number;
  /**
   * What a warm shard keeps of the records it read and wrote (see `ShardCache`); false reads
   * everything on every batch. Kept only with more than one shard: the claims keep it honest.
   */
  cache?: Partial<ShardCacheLimits> | false;
}

/** An item as the fetch stage prepared it: its fingerprint was made there, from the one reading of its text. */
export interface PreparedForShard {
  item: Item;
  verdict: Verdict;
  fingerprint: Fingerprint;
}

/**
 * What the attempt that stored an item reported for it, kept on the item: a redelivery reports
 * the same (the story and the changes of a fold are not to be read off the stories afterwards).
 */
export interface ReportedAssignment {
  outcome: "founded" | "joined";
  /** The story the item founded or joined, as the batch decided it (before any later fold). */
  storyId: string;
  changes: StoryChange[];
  absorbed?: string[] | undefined;
}

/** What became of one item of a shard batch. */
export interface ShardAssignment {
  itemId: string;
  /** `already`: a redelivered item whose assignment an earlier attempt stored. */
  outcome: "founded" | "joined" | "already";
  storyId: string;
  /** The story's version after this item (0 for `already`), and the changes the item brought to it. */
  version: number;
  changes: StoryChange[];
  /** Stories this item showed to be its own and folded into it. */
  absorbed?: string[] | undefined;
  /** For `already`: what the attempt that stored it reported (none for an item stored before that was kept). */
  reported?: ReportedAssignment | undefined;
}

/** Each key's entries, one slice a shard (each shard writes only its own). */
type ShardedIndex = Map<string, (Entries | undefined)[]>;

/** What a shard is about to write: the fingerprints of its fresh items, and which of them found a story. */
interface Publication {
  /** Counts a shard's publications, one more each: a reader can tell which it has not seen. */
  gen: number;
  prints: Fingerprint[];
  founds: number[];
  /** The index keys it rewrites and the stories it writes: what a reader checks its read against. */
  keys: string[];
  stories: string[];
  /** Per key, the index record it writes (`encodeEntries`): a reader that sees it written knows the record without reading it. */
  entries: string[];
  /** As the claim holds it (`packJson` of prints, founds, keys, entries and stories), once packed or read. */
  packed?: string;
}

interface ClaimRecord {
  pk: string;
  sk: string;
  token: string;
  claimedAt: number;
  gen?: number;
  /** The publication: the fingerprints of the items, which of them found a story, the index keys and the stories it writes, packed. */
  pub?: string;
  /** Until the shard has written everything this claim announces. */
  live?: boolean;
  /** The shard's newest publication known to be written whole (one that was dropped, or decided again, never is). */
  written?: number | undefined;
  /** The shard's publication before this one: a reader that missed it can still check it. */
  prevGen?: number | undefined;
  prevPub?: string | undefined;
  /** Older claims' shards this claim waits for: each may go ahead without waiting for it. */
  waitingFor?: number[];
  /** As claims were written before publications were packed: JSON strings. */
  prints?: string;
  founds?: string;
  keys?: string;
  stories?: string;
  prev?: string | undefined;
}
/** A claim as read: what it announces now and before. */
interface Claim {
  shard: number;
  live: boolean;
  written: number | undefined;
  claimedAt: number;
  waitingFor: number[];
  current: Publication;
  prev: Publication | undefined;
}

interface StoryState {
  id: string;
  /** Parsed when first asked for: most stories read are only compared with. */
  story: () => Story;
  recent: Fingerprint[];
  /** The revision read; undefined for a story this batch founded. */
  revision: number | undefined;
  /** Items of this batch joined to it, in order, so the join can be redone on a newer copy. */
  joined: PreparedForShard[];
  /** Stories this batch folded into it (as they stood then), so the merge can be redone on a newer copy. */
  absorbed: StoryState[];
  /** Per shard, its newest publication that wrote the story: kept on the record. */
  stamps: Stamps;
}

/** An index record as read: the key, the shard whose record it is, its entries (none when there was no record). */
interface IndexRecordRead extends KnownIndexRecord {
  key: string;
  from: number;
}

/** What a shard read before deciding: the index, every shard's claim, and which items are stored already. */
interface Snapshot {
  index: ShardedIndex;
  /** The index keys read, and per key the publication that wrote each shard's record. */
  keys: Set<string>;
  indexStamps: Map<string, number[]>;
  claims: Map<number, Claim>;
  /** Item id → story id and what was reported, for items an earlier attempt stored. */
  stored: Map<string, { storyId: string; reported: ReportedAssignment | undefined }>;
}

interface Decisions {
  outcomes: ShardAssignment[];
  stories: Map<string, StoryState>;
  /** The stories asked for, and the stamps of those read. */
  asked: Set<string>;
  storyStamps: Map<string, Stamps>;
  /** Index records this batch changes, with their entries after it, as written: the newest first, as many as are kept. */
  kept: Map<string, Entries>;
  /** Stories this batch folded into another: each with the story it went into and the revision it was read at (none: founded here). */
  folded: Map<string, { into: string; revision: number | undefined; stamps: Stamps }>;
}

/** Fingerprints kept on a story record, the most recent first: what a new item is compared with. */
const RECENT_MEMBERS = 8;
/** Stories one index record keeps, the most recently seen first; candidates are the 16 sharing the most keys. */
const ENTRIES_KEPT = 16;
const DEFAULT_TTL_DAYS = 14;
/** Recent members' fingerprints kept parsed, by their JSON: a few hundred stories' worth. */
const PRINTS_KEPT = 4_096;
const CLAIMS = "STORYCLAIM";
/** Redirects a candidate read follows, a hop a read: each merge writes its redirects one hop deep. */
const MERGE_HOPS = 4;
const indexKey = (key: string, shard: number): RecordKey => ({ pk: `SIDX#${key}`, sk: `S${shard}` });
const claimKey = (shard: number): RecordKey => ({ pk: CLAIMS, sk: `S${shard}` });

export class ShardWaitTimeout extends Error {
  override name = "ShardWaitTimeout";
}

/**
 * A story a batch joined or folded was folded into another, or written, by another shard
 * meanwhile, in a way its joins cannot simply be redone on: the batch reads and decides again
 * (its items are not stored yet).
 */
class StoryMergeConflict extends Error {
  override name = "StoryMergeConflict";
}

/**
 * Story assignment sharded over message groups, on the DynamoDB table. The near-duplicate index
 * is one record a key and shard (`SIDX#<key>` / `S<shard>`: the stories that shard saw under the
 * key, newest first). Each shard is the only writer of its own records (one batch of its message
 * group at a time), so it rewrites them whole in batched writes; every shard reads every shard's
 * records of the keys it looks up, in batched reads.
 *
 * Shards decide first and check after. A shard reads the index, every shard's claim and the
 * candidate stories, decides, and then publishes in its claim the fingerprints of its items and
 * which of them found a story; only then does it read the other claims again. Of two shards that
 * publish at once, at least one sees the other's publication. Two shards conflict where an item
 * of one is similar enough to an item of the other to join its story and either of the two
 * founds a story: had they run one after the other, the second would have joined the first's.
 * Items that only join stories both already saw go ahead at once (a story two shards join is
 * written conditionally on its revision and joined again on the newer copy). A conflict with a
 * batch already written, or one that may have been written while the index was read (a shard's
 * claim counts its publications, and keeps the one before), is resolved by reading and deciding
 * again. A conflict with a claim still live is ordered by the claims' age (then shard): a shard
 * waits for an older claim, and says so in its own; it waits for a younger one unless that one
 * says it waits for it. The shard that waited reads and decides again once the other is settled,
 * finds its stories and joins them, so two copies of one story never found two. Ordering by age
 * (a claim keeps its age while its shard decides again) means a shard that waited is first the
 * next time: none is starved. Stories a batch founds are written before the index records that
 * name them, and items last of all (after their URL and hash markers), so an item stored means
 * its assignment is complete.
 *
 * A shard's claim also says which of its publications is written whole, and each publication
 * carries the index records it writes: a warm shard (`ShardCache`) takes those from the claims it
 * reads anyway and reads again only the records it does not know as they stand. Large attributes
 * (a story, its recent members, a publication) are stored as deflated JSON.
 *
 * An item that belongs to more than one story it read (`pickStory`'s bridges) shows them to be
 * one: they are folded (`mergeStories`) into the one first seen, which the item then joins, and
 * later items of the batch see only that one. The survivor is written as a joined story is; then
 * each story folded into it becomes a redirect, conditionally on the revision it was read at (a
 * shard that joined it meanwhile makes the batch read and decide again, rather than lose that
 * report). A fold cut short (a write that failed, a conflict the batch decides again on) left
 * the survivor holding the other's reports while the other still stands: the batch folds the
 * two again, without counting those reports twice or refusing for size (`mayFold`).
 * Index entries are not rewritten: a candidate read as a redirect leads to the story
 * it was folded into, whose recent members include its own. A publication names the stories it
 * folds, so a warm shard forgets them, and remembers a redirect once it reads one.
 */
export class DynamoStoryShards {
  readonly #doc;
  readonly #table: string;
  readonly #shards: number;
  readonly #ttlDays: number;
  readonly #retentionDays: number | undefined;
  readonly #leaseMs: number;
  readonly #maxWaitMs: number;
  readonly #pollMs: number;
  readonly #now: () => number;
  readonly #cacheLimits: Partial<ShardCacheLimits> | false;
  /** Per shard assigning here, what it remembers between batches. */
  readonly #caches = new Map<number, ShardCache>();
  /** Recent members' fingerprints by their JSON, and the JSON of each: see `#recentOf`. */
  readonly #prints = new Map<string, Fingerprint>();
  readonly #texts = new WeakMap<Fingerprint, string>();
  /** Publications parsed from claims, by shard and gen: a publication never changes once made. */
  readonly #publications = new Map<string, Publication>();

  constructor(options: DynamoStoryShardsOptions) {
    this.#doc = documentClient(options.client);
    this.#table = options.tableName;
    this.#shards = Math.max(1, options.shards);
    this.#ttlDays = options.clusterIndexTtlDays ?? DEFAULT_TTL_DAYS;
    this.#retentionDays = options.itemRetentionDays;
    this.#leaseMs = options.claimLeaseMs ?? 120_000;
    this.#maxWaitMs = options.maxWaitMs ?? 20_000;
    this.#pollMs = options.pollMs ?? 10;
    this.#now = options.now ?? Date.now;
    this.#cacheLimits = options.cache ?? {};
  }

  get shards(): number {
    return this.#shards;
  }

  shardOf(print: Fingerprint): number {
    return storyShard(print, this.#shards);
  }

  /**
   * Assigns one shard's items to stories, in order, and stores them. Only one call per shard
   * may run at a time (one FIFO message group per shard). Items must be relevant and unseen;
   * one whose assignment is already stored comes back as `already`.
   */
  async assign(shard: number, items: readonly PreparedForShard[], now: Timestamp): Promise<ShardAssignment[]> {
    if (items.length === 0) return [];
    const prints = items.map((prepared) => prepared.fingerprint);
    const claim: ClaimRecord = { ...claimKey(shard), token: randomUUID(), claimedAt: this.#now() };
    const started = this.#now();
    // Per other shard, the newest publication known to be written (or dropped) before this shard last read.
    const known = new Map<number, number>();
    let published = false;
    try {
      for (;;) {
        if (this.#now() - started > this.#maxWaitMs) {
          throw new ShardWaitTimeout(`shard ${shard} decided again for ${this.#maxWaitMs} ms without settling`);
        }
        const snapshot = await this.#read(shard, items, prints);
        const decisions = await this.#decide(shard, items, prints, snapshot, now);
        const fresh = decisions.outcomes.flatMap((outcome, position) =>
          outcome.outcome === "already" ? [] : [position],
        );
        if (fresh.length === 0) return decisions.outcomes;
        // One shard meets no other: it needs no claim.
        if (this.#shards === 1) {
          const written = await this.#attempt(shard, () => this.#write(undefined, items, decisions, now, shard));
          if (written) return written;
          continue;
        }
        const own = snapshot.claims.get(shard);
        const mine: Publication = {
          gen: Math.max(own?.current.gen ?? 0, claim.gen ?? 0) + 1,
          prints: fresh.map((position) => prints[position] as Fingerprint),
          founds: fresh.flatMap((position, index) =>
            decisions.outcomes[position]?.outcome === "founded" ? [index] : [],
          ),
          keys: [...decisions.kept.keys()],
          entries: [...decisions.kept.values()].map(encodeEntries),
          stories: [
            ...new Set([
              ...fresh.map((position) => decisions.outcomes[position]?.storyId ?? ""),
              ...decisions.folded.keys(),
            ]),
          ],
        };
        this.#remember(shard, mine);
        const before = own?.current.gen ? own.current : undefined;
        Object.assign(claim, {
          gen: mine.gen,
          pub: packed(mine),
          prevGen: before?.gen,
          prevPub: before && packed(before),
          written: own?.written,
          live: true,
          waitingFor: [],
        });
        published = true;
        await this.#put(claim);
        const read = (other: number, publication: Publication) => includes(snapshot, decisions, other, publication);
        if (await this.#settled(shard, claim, mine, snapshot.claims, read, known, started)) {
          const written = await this.#attempt(shard, () => this.#write(claim, items, decisions, now, shard));
          if (written) return written;
        }
      }
    } catch (error) {
      // Its writes may be partly done: what this shard remembers is read again.
      this.#caches.get(shard)?.clear();
      // Others need not wait out the lease for a batch that will be retried.
      if (published) await this.#put({ ...claim, live: false, waitingFor: [] }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A batch's writes; undefined when a story it folded or joined was changed meanwhile in a way
   * its decisions cannot be redone on (`StoryMergeConflict`): its items are not stored yet, so
   * it reads and decides again. Its own writes may be partly done: the shard forgets its own
   * index records and the stories it remembers.
   */
  async #attempt(shard: number, write: () => Promise<ShardAssignment[]>): Promise<ShardAssignment[] | undefined> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StoryMergeConflict)) throw error;
      this.#caches.get(shard)?.forgetShard(shard);
      return undefined;
    }
  }

  /**
   * Every shard's claim, every shard's index records of the items' keys and the items' own
   * records. The index must be read no earlier than the claims: read together in one call they
   * are (the claims say what was published, the index holds at least that, give or take the
   * publication just before, which the check allows for); the first call reads the claims and as
   * many records as fit, and records beyond them, or left unprocessed, are read after it.
   * A warm shard reads only the index records it does not know as they stand: a record it
   * remembers is as good as one read now while the claims read with it show every publication
   * since (at most the newest and the one before, which the check allows for as it does for a
   * read); for a shard whose claim shows more, its remembered records are read again.
   */
  async #read(shard: number, items: readonly PreparedForShard[], prints: readonly Fingerprint[]): Promise<Snapshot> {
    const keys = [...new Set(prints.flatMap(lookupKeys))];
    const cache = this.#cacheOf(shard);
    const every = Array.from({ length: this.#shards }, (_, n) => n);
    const claimKeys = every.map(claimKey);
    const remembered = new Map<number, Map<string, KnownIndexRecord>>();
    const unknown: RecordKey[] = [];
    for (const key of keys) {
      for (const n of every) {
        const known = cache?.indexRecord(n, key);
        if (!known) {
          unknown.push(indexKey(key, n));
          continue;
        }
        const records = remembered.get(n) ?? new Map<string, KnownIndexRecord>();
        records.set(key, known);
        remembered.set(n, records);
      }
    }
    const rest = [...unknown, ...items.map(({ item }) => itemKey(item.id))];
    // The claims and as many records as fit in one call; the rest after it.
    const together = rest.slice(0, Math.max(0, GET_LIMIT - claimKeys.length));
    const after = rest.slice(together.length);
    const calls = { count: 0 };
    let records = await batchGet<Record<string, unknown>>(
      this.#doc,
      this.#table,
      [...claimKeys, ...together],
      true,
      calls,
    );
    if (calls.count > 1 && together.length > 0) {
      records = [
        ...records.filter((record) => record.pk === CLAIMS),
        ...(await batchGet<Record<string, unknown>>(this.#doc, this.#table, together, true)),
      ];
    }
    if (after.length > 0)
      records.push(...(await batchGet<Record<string, unknown>>(this.#doc, this.#table, after, true)));
    const claims = new Map<number, Claim>();
    for (const record of records) {
      if (record.pk !== CLAIMS) continue;
      const claim = this.#claimOf(record as unknown as ClaimRecord);
      claims.set(claim.shard, claim);
    }
    const fresh: IndexRecordRead[] = [];
    if (cache) {
      const again: RecordKey[] = [];
      for (const n of every) {
        const claim = claims.get(n);
        const accounted = cache.observe(n, claim?.current, claim?.prev, claim?.written);
        const known = remembered.get(n);
        if (!known) continue;
        for (const [key, before] of known) {
          // A record a written publication gave is as it stands. Another shard's record remembered
          // from before its newest publications is as good as one read with these claims (the
          // check allows for those two); this shard's own is not checked, so it is read again.
          const now = cache.indexRecord(n, key);
          if (now) known.set(key, now);
          else if (!accounted || n === shard) {
            known.delete(key);
            again.push(indexKey(key, n));
          } else known.set(key, before);
        }
      }
      if (again.length > 0)
        records.push(...(await batchGet<Record<string, unknown>>(this.#doc, this.#table, again, true)));
      // Records asked for and not found are known too: no record.
      for (const { pk, sk } of [...unknown, ...again]) {
        fresh.push({ key: pk.slice("SIDX#".length), from: Number(sk.slice(1)), entries: undefined, stamp: undefined });
      }
    }
    const found = new Map<string, IndexRecordRead>();
    const stored: Snapshot["stored"] = new Map();
    for (const record of records) {
      if (record.pk === CLAIMS) continue;
      if (record.sk === "ITEM") {
        if (typeof record.storyId === "string") {
          const reported = record.reported as ReportedAssignment | undefined;
          stored.set((record.item as Item).id, { storyId: record.storyId, reported });
        }
        continue;
      }
      const read: IndexRecordRead = {
        key: (record.pk as string).slice("SIDX#".length),
        from: Number((record.sk as string).slice(1)),
        entries: decodeEntries(record.e),
        stamp: typeof record.g === "number" ? record.g : 0,
      };
      found.set(`${read.from} ${read.key}`, read);
    }
    const index: ShardedIndex = new Map();
    const indexStamps = new Map<string, number[]>();
    const take = (key: string, from: number, known: KnownIndexRecord) => {
      if (!known.entries) return;
      const slices = index.get(key) ?? [];
      slices[from] = known.entries;
      index.set(key, slices);
      const stamps = indexStamps.get(key) ?? [];
      stamps[from] = known.stamp ?? 0;
      indexStamps.set(key, stamps);
    };
    for (const [from, known] of remembered) for (const [key, record] of known) take(key, from, record);
    for (const read of found.values()) take(read.key, read.from, read);
    for (const read of fresh) {
      const record = found.get(`${read.from} ${read.key}`) ?? read;
      cache?.rememberRead(record.from, record.key, { entries: record.entries, stamp: record.stamp });
    }
    return { index, keys: new Set(keys), indexStamps, claims, stored };
  }

  /**
   * After publishing: whether this shard may write what it decided. False when it must read and
   * decide again (a conflicting batch was written, or may have been, since it read); while a
   * conflicting claim is live and ordered first, it waits here, reading only the claims.
   */
  async #settled(
    shard: number,
    claim: ClaimRecord,
    mine: Publication,
    before: ReadonlyMap<number, Claim>,
    read: (other: number, publication: Publication) => boolean,
    known: Map<number, number>,
    started: number,
  ): Promise<boolean> {
    const others = Array.from({ length: this.#shards }, (_, other) => other).filter((other) => other !== shard);
    // A written conflict seen in any poll holds for the rest of the wait: the polls after it start
    // past that publication and would not see it again.
    let again = false;
    for (;;) {
      const records = await batchGet<Record<string, unknown>>(this.#doc, this.#table, others.map(claimKey), true);
      const claims = new Map(
        records.map((record) => {
          const read = this.#claimOf(record as unknown as ClaimRecord);
          return [read.shard, read] as const;
        }),
      );
      const cache = this.#caches.get(shard);
      for (const other of others) {
        const read = claims.get(other);
        cache?.observe(other, read?.current, read?.prev, read?.written);
      }
      const waitFor: number[] = [];
      const older: number[] = [];
      const clock = this.#now();
      for (const other of others) {
        const then = before.get(other);
        const current = claims.get(other);
        if (!current) continue;
        // Publications this shard's read may not include: those it saw (the one before the newest as well,
        // as either may have been written while the index was read) and every later one.
        const from = Math.max(1, (then?.current.gen ?? 0) - 1, (known.get(other) ?? 0) + 1);
        const seen = new Map<number, Publication>();
        for (const publication of [then?.current, then?.prev, current.prev, current.current]) {
          if (publication && publication.gen >= from) seen.set(publication.gen, publication);
        }
        const live = current.live && clock - current.claimedAt <= this.#leaseMs;
        let pastConflict = false;
        for (let gen = from; gen <= current.current.gen; gen++) {
          const publication = seen.get(gen);
          const conflict = !publication || (!read(other, publication) && conflicts(mine, publication));
          if (!conflict) continue;
          if (gen === current.current.gen && live) {
            const theirsFirst =
              current.claimedAt < claim.claimedAt || (current.claimedAt === claim.claimedAt && other < shard);
            if (theirsFirst || !current.waitingFor.includes(shard)) waitFor.push(other);
            if (theirsFirst) older.push(other);
          } else {
            pastConflict = true;
          }
        }
        if (pastConflict) {
          again = true;
          // Everything before its newest publication is written or dropped, and the newest too once settled.
          known.set(other, live ? current.current.gen - 1 : current.current.gen);
        }
      }
      if (waitFor.length === 0) return !again;
      if (this.#now() - started > this.#maxWaitMs) {
        throw new ShardWaitTimeout(`shard ${shard} waited ${this.#maxWaitMs} ms for shards ${waitFor.join(", ")}`);
      }
      older.sort((a, b) => a - b);
      if (older.join() !== (claim.waitingFor ?? []).join()) {
        claim.waitingFor = older;
        await this.#put(claim);
      }
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
  }

  async #decide(
    shard: number,
    items: readonly PreparedForShard[],
    prints: readonly Fingerprint[],
    snapshot: Snapshot,
    now: Timestamp,
  ): Promise<Decisions> {
    const { index, stored } = snapshot;
    const changed = new Map<string, Entries>();
    // Stories folded into another, each with the story it leads to: read as redirects, or folded here.
    const aliases = new Map<string, string>();
    const { ranked, changedKey } = rankerOf(index, shard, changed, (storyId) => followed(storyId, aliases));
    const first = new Map<number, string[]>();
    const wanted = new Set(
      prints.flatMap((print, position) => {
        if (stored.has(items[position]?.item.id ?? "")) return [];
        const candidates = ranked(print);
        first.set(position, candidates);
        return candidates;
      }),
    );
    const cache = this.#caches.get(shard);
    const known: KnownStory[] = [];
    const storyStamps = new Map<string, Stamps>();
    const asked = new Set<string>();
    // A candidate folded into another leads to it: that one is read too, a hop at a time.
    for (let ask = [...wanted], hop = 0; ask.length > 0 && hop <= MERGE_HOPS; hop++) {
      const unknown: string[] = [];
      for (const storyId of ask) {
        asked.add(storyId);
        const into = cache?.redirect(storyId);
        const story = into === undefined ? cache?.story(storyId) : undefined;
        if (into !== undefined) aliases.set(storyId, into);
        else if (story) known.push(story);
        else unknown.push(storyId);
      }
      const records =
        unknown.length > 0
          ? await batchGet<Record<string, unknown>>(this.#doc, this.#table, unknown.map(storyKey), true)
          : [];
      for (const record of records) {
        const id = (record.pk as string).slice("STORY#".length);
        const into = mergedInto(record);
        if (into !== undefined) {
          aliases.set(id, into);
          storyStamps.set(id, stampsOf(record));
          cache?.rememberRedirect(id, into);
          continue;
        }
        let parsed: Story | undefined;
        const read: KnownStory = {
          id,
          story: () => {
            parsed ??= storyOf(record);
            return parsed;
          },
          recent: this.#recentOf(record),
          revision: (record.rev as number | undefined) ?? 0,
          stamps: stampsOf(record),
        };
        known.push(read);
        cache?.rememberStory(read);
      }
      ask = [...new Set(aliases.values())].filter((storyId) => !asked.has(storyId));
    }
    const stories = new Map<string, StoryState>();
    for (const { id, story, recent, revision, stamps } of known) {
      storyStamps.set(id, stamps);
      stories.set(id, { id, story, recent, revision, joined: [], absorbed: [], stamps });
    }
    const folded: Decisions["folded"] = new Map();

    const outcomes: ShardAssignment[] = [];
    // Items placed by this batch already: a story listing one of them again was not written by an earlier attempt.
    const placed = new Set<string>();
    for (const [position, prepared] of items.entries()) {
      const print = prints[position] as Fingerprint;
      const { item, verdict } = prepared;
      const earlier = stored.get(item.id);
      if (earlier) {
        const { storyId, reported } = earlier;
        outcomes.push({ itemId: item.id, outcome: "already", storyId, version: 0, changes: [], reported });
        continue;
      }
      // The first ranking stands while every story in it was read and no key of the item changed since.
      const before = first.get(position);
      const unchanged =
        before?.every((storyId) => stories.has(storyId)) && !lookupKeys(print).some((key) => changed.has(key));
      const ranking = unchanged && before ? before : ranked(print, stories);
      const candidates: StoryCandidate[] = ranking.map((storyId) => ({
        storyId,
        fingerprints: stories.get(storyId)?.recent ?? [],
      }));
      const pick = pickStory(print, candidates);
      const current = pick && stories.get(pick.storyId);
      let state: StoryState;
      let outcome: "founded" | "joined" = current ? "joined" : "founded";
      const changes: StoryChange[] = [];
      const absorbed: string[] = [];
      if (current) {
        let target = current;
        // Stories the item also belongs to are the same event: folded into the one first seen, which it then joins.
        for (const bridged of pick?.bridges ?? []) {
          const other = stories.get(bridged);
          if (!other || other.id === target.id) continue;
          if (!mayMergeStories(target.story(), other.story())) continue;
          const merge = mergeStories(target.story(), other.story(), now);
          const [survivor, gone]: StoryState[] = merge.absorbed === other.id ? [target, other] : [other, target];
          if (!survivor || !gone) continue;
          const merged = merge.story;
          target = {
            ...survivor,
            story: () => merged,
            recent: newest([...survivor.recent, ...gone.recent]),
            absorbed: [...survivor.absorbed, gone],
          };
          changes.push(...merge.changes);
          stories.delete(gone.id);
          stories.set(target.id, target);
          aliases.set(gone.id, target.id);
          absorbed.push(gone.id);
          folded.set(gone.id, { into: target.id, revision: gone.revision, stamps: gone.stamps });
          // This shard's own index records name the story the other went into.
          for (const [key, entries] of changed) {
            const at = entries.get(gone.id);
            if (at === undefined) continue;
            entries.delete(gone.id);
            if (at > (entries.get(target.id) ?? "")) entries.set(target.id, at);
            changedKey(key);
          }
        }
        const listed = target.story();
        const joined = joinStory(listed, item, verdict, now);
        state = { ...target, story: () => joined.story, joined: [...target.joined, prepared] };
        changes.push(...joined.changes);
        // A story that lists the item already was written by an attempt of this batch that failed
        // before the item: the item reports what that attempt would have, founded or its changes.
        // A second copy of an item in this batch (edited at the source) is the first one's story
        // listing it in memory: it joins with no changes, as the copy the item record keeps reported.
        if (!placed.has(item.id) && listed.sources.some((source) => source.itemId === item.id)) {
          const first = await this.#firstPlacement(listed, prepared, items);
          if (first?.kind === "created") outcome = "founded";
          changes.push(...(first?.changes ?? []));
        }
      } else {
        const founded = foundStory(item, verdict, now);
        state = {
          id: founded.id,
          story: () => founded,
          recent: [],
          revision: undefined,
          joined: [],
          absorbed: [],
          stamps: {},
        };
      }
      placed.add(item.id);
      state.recent = newest([print, ...state.recent]);
      stories.set(state.id, state);
      for (const key of lookupKeys(print)) {
        const entries = changed.get(key) ?? new Map(index.get(key)?.[shard] ?? []);
        // A key that already names the story as recently needs no write.
        if ((entries.get(state.id) ?? "") >= print.at && !changed.has(key)) continue;
        if (print.at > (entries.get(state.id) ?? "")) entries.set(state.id, print.at);
        changed.set(key, entries);
        changedKey(key);
      }
      outcomes.push({
        itemId: item.id,
        outcome,
        storyId: state.id,
        version: state.story().version,
        changes: distinctChanges(changes),
        ...(absorbed.length > 0 ? { absorbed } : {}),
      });
    }
    const kept = new Map(
      [...changed].map(([key, entries]) => [
        key,
        new Map([...entries].sort((a, b) => b[1].localeCompare(a[1])).slice(0, ENTRIES_KEPT)),
      ]),
    );
    return { outcomes, stories, asked, storyStamps, kept, folded };
  }

  /**
   * What placing an item in a story that lists it already reported (`placementOf`): the reports
   * listed before it are this batch's own, or read from their item records.
   */
  async #firstPlacement(
    story: Story,
    report: PreparedForShard,
    batch: readonly PreparedForShard[],
  ): Promise<ReturnType<typeof placementOf>> {
    const before = new Set(reportsBefore(story, report.item.id));
    const earlier = new Map<string, PlacedReport>();
    for (const one of batch) if (before.has(one.item.id)) earlier.set(one.item.id, one);
    const unread = [...before].filter((id) => !earlier.has(id));
    for (const [id, read] of await placedReports(this.#doc, this.#table, unread)) earlier.set(id, read);
    return placementOf(story, report, earlier);
  }

  /**
   * Stories first (those founded here in batched writes; those joined, which other shards may
   * also join, each conditionally on its revision), with the index records that name none founded
   * here and the items' markers; then the folds and the index records naming the stories founded
   * here; last the items and the claim, settled: whoever sees an index entry finds its story
   * stored, and an item stored means all of its assignment is.
   */
  async #write(
    claim: ClaimRecord | undefined,
    items: readonly PreparedForShard[],
    decisions: Decisions,
    now: Timestamp,
    shard: number,
  ): Promise<ShardAssignment[]> {
    const gen = claim?.gen ?? 0;
    const fresh = decisions.outcomes.filter((outcome) => outcome.outcome !== "already");
    const touched = new Set(fresh.map((outcome) => outcome.storyId));
    const states = [...decisions.stories.values()].filter((state) => touched.has(state.id));
    const founded = states.filter((state) => state.revision === undefined);
    const foundedIds = new Set(founded.map((state) => state.id));
    // An item of a story folded into another later in the batch is stored as that one's.
    const into = new Map([...decisions.folded].map(([id, fold]) => [id, fold.into]));
    // Of an item twice in the batch, the first copy is stored (`batchPut` keeps the first), with what it reported.
    const outcomeOf = new Map(fresh.toReversed().map((outcome) => [outcome.itemId, outcome]));
    const storyOf = new Map([...outcomeOf].map(([itemId, outcome]) => [itemId, followed(outcome.storyId, into)]));
    // Index records that name a story founded here wait for it; the others go with the stories.
    const indexRecords: Record<string, unknown>[] = [];
    const naming: Record<string, unknown>[] = [];
    for (const [key, kept] of decisions.kept) {
      const newest = kept.values().next().value ?? now;
      const record = {
        ...indexKey(key, shard),
        e: encodeEntries(kept),
        g: gen,
        expiresAt: expiresAt(newest, this.#ttlDays),
      };
      indexRecords.push(record);
      if ([...kept.keys()].some((storyId) => foundedIds.has(storyId))) naming.push(record);
    }
    // An item's markers go before it, as the index does: a redelivery takes an item stored as done,
    // and would never write the markers of one stored without them (copies from other feeds stored
    // as new items). A marker whose item is not stored names nothing (`findDuplicates` passes it over).
    const markers = items.flatMap(({ item }) =>
      outcomeOf.get(item.id) ? markerRecords(item, this.#retentionDays) : [],
    );
    const [, ...rejoined] = await Promise.all([
      batchPut(this.#doc, this.#table, [
        ...founded.map((state) => this.#storyRecord(state, 0, shard, gen)),
        ...indexRecords.filter((record) => !naming.includes(record)),
        ...markers,
      ]),
      ...states.filter((state) => state.revision !== undefined).map((state) => this.#putJoined(state, now, shard, gen)),
    ]);
    const foundedWritten: KnownStory[] = founded.map(({ id, story, recent, stamps }) => ({
      id,
      story,
      recent,
      revision: 0,
      stamps: { ...stamps, [shard]: gen },
    }));
    const refolded = await this.#fold(decisions, [...foundedWritten, ...rejoined], now, shard, gen);
    await batchPut(this.#doc, this.#table, naming);
    // A story another shard joined meanwhile was joined again on its newer copy: its version is that copy's.
    const stored = new Map([...rejoined, ...refolded].map((written) => [written.id, written.story()]));
    // The index and the stories first, then the items with the claim settled: a batch written in
    // parallel chunks could otherwise store an item whose index records failed, and a redelivery
    // would take the item as done. Others read only the index and the stories, so the claim may
    // settle beside the items.
    const itemRecords: Record<string, unknown>[] = [];
    for (const { item, verdict } of items) {
      const storyId = storyOf.get(item.id);
      const outcome = outcomeOf.get(item.id);
      if (!storyId || !outcome || outcome.outcome === "already") continue;
      const reported: ReportedAssignment = {
        outcome: outcome.outcome,
        storyId: outcome.storyId,
        changes: outcome.changes,
        absorbed: outcome.absorbed,
      };
      itemRecords.push({ ...itemRecord({ item, verdict, storyId }, this.#retentionDays), reported });
    }
    if (claim) itemRecords.push({ ...claim, live: false, waitingFor: [], written: gen });
    await batchPut(this.#doc, this.#table, itemRecords);
    const cache = this.#caches.get(shard);
    if (cache) {
      for (const record of indexRecords) {
        const key = (record.pk as string).slice("SIDX#".length);
        cache.rememberWritten(shard, key, { entries: decodeEntries(record.e), stamp: gen });
      }
      for (const written of [...foundedWritten, ...rejoined, ...refolded]) cache.rememberStory(written, shard);
      for (const id of decisions.folded.keys()) cache.rememberRedirect(id, followed(id, into));
      cache.settle(shard, gen);
    }
    return decisions.outcomes.map((outcome) => {
      const story = stored.get(outcome.storyId);
      return story && outcome.outcome !== "already"
        ? { ...outcome, version: Math.max(outcome.version, story.version) }
        : outcome;
    });
  }

  /**
   * Once the stories that hold them are written (`written`, as written): the stories this batch
   * folded become redirects, each only at the revision it was read at. One another shard joined
   * since is read again and folded into its survivor again, which is written again on the
   * revision it was written at, and then redirected; the survivors so written are returned. One
   * folded elsewhere meanwhile, or a survivor changed meanwhile, is a `StoryMergeConflict`: the
   * batch reads and decides again.
   */
  async #fold(
    decisions: Decisions,
    written: readonly KnownStory[],
    now: Timestamp,
    shard: number,
    gen: number,
  ): Promise<KnownStory[]> {
    if (decisions.folded.size === 0) return [];
    const into = new Map([...decisions.folded].map(([id, fold]) => [id, fold.into]));
    const bySurvivor = new Map<string, { id: string; revision: number | null; stamps: string }[]>();
    for (const [id, { revision, stamps }] of decisions.folded) {
      const survivor = followed(id, into);
      const absorbed = bySurvivor.get(survivor) ?? [];
      absorbed.push({ id, revision: revision ?? null, stamps: JSON.stringify({ ...stamps, [shard]: gen }) });
      bySurvivor.set(survivor, absorbed);
    }
    const survivors = new Map(written.map((story) => [story.id, story]));
    const refolded: KnownStory[] = [];
    const conflict = (why: string) => new StoryMergeConflict(`stories folded into ${why}`);
    await Promise.all(
      [...bySurvivor].map(async ([id, absorbed]) => {
        let survivor = survivors.get(id);
        let pending = absorbed;
        for (let attempt = 0; ; attempt++) {
          try {
            await foldStories(this.#doc, this.#table, id, pending);
            if (survivor && survivor !== survivors.get(id)) refolded.push(survivor);
            return;
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
          }
          if (!survivor || attempt >= 4) throw conflict(`${id} kept changing`);
          const records = await batchGet<Record<string, unknown>>(
            this.#doc,
            this.#table,
            pending.map(({ id: absorbedId }) => storyKey(absorbedId)),
            true,
          );
          const byId = new Map(records.map((record) => [(record.pk as string).slice("STORY#".length), record]));
          let story = survivor.story();
          let recent = survivor.recent;
          const next: typeof pending = [];
          for (const one of pending) {
            const record = byId.get(one.id);
            const moved = mergedInto(record);
            if (moved === id) continue;
            if (moved !== undefined) throw conflict(`${moved} and ${id} at once`);
            const revision = (record?.rev as number | undefined) ?? 0;
            if (!record || revision === one.revision) {
              next.push(one);
              continue;
            }
            story = mergeStories(story, storyOf(record), now).story;
            recent = newest([...recent, ...this.#recentOf(record)]);
            next.push({ ...one, revision, stamps: JSON.stringify({ ...stampsOf(record), [shard]: gen }) });
          }
          const merged = story;
          const state: StoryState = {
            id,
            story: () => merged,
            recent,
            revision: survivor.revision,
            joined: [],
            absorbed: [],
            stamps: survivor.stamps,
          };
          try {
            await this.#doc.send(
              new PutCommand({
                TableName: this.#table,
                Item: this.#storyRecord(state, survivor.revision + 1, shard, gen),
                ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(mergedInto) AND rev = :rev",
                ExpressionAttributeValues: { ":rev": survivor.revision },
              }),
            );
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
            throw conflict(`${id}, which changed meanwhile`);
          }
          survivor = { ...state, revision: survivor.revision + 1, stamps: { ...survivor.stamps, [shard]: gen } };
          pending = next;
        }
      }),
    );
    return refolded;
  }

  #storyRecord(state: StoryState, revision: number, shard: number, gen: number): Record<string, unknown> {
    const stamps = JSON.stringify({ ...state.stamps, [shard]: gen });
    const recent = packJson(state.recent.map((print) => this.#printText(print)));
    return { ...storyRecord(state.story()), recent, rev: revision, stamps };
  }

  /** Writes a story other shards may also have joined: on a lost race, reads it again and redoes this batch's joins. */
  async #putJoined(state: StoryState, now: Timestamp, shard: number, gen: number): Promise<KnownStory> {
    let current = state;
    for (let attempt = 0; attempt < 8; attempt++) {
      const read = current.revision ?? 0;
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: this.#storyRecord(current, read + 1, shard, gen),
            ConditionExpression:
              "attribute_exists(pk) AND attribute_not_exists(mergedInto) AND (attribute_not_exists(rev) OR rev = :rev)",
            ExpressionAttributeValues: { ":rev": read },
          }),
        );
        const { id, story, recent } = current;
        return { id, story, recent, revision: read + 1, stamps: { ...current.stamps, [shard]: gen } };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const [record] = await batchGet<Record<string, unknown>>(this.#doc, this.#table, [storyKey(state.id)], true);
      if (!record) throw new Error(`story ${state.id} vanished while it was being joined`);
      const moved = mergedInto(record);
      if (moved !== undefined) {
        throw new StoryMergeConflict(`story ${state.id} was folded into ${moved} while this batch joined it`);
      }
      let story = storyOf(record);
      let recent = this.#recentOf(record);
      for (const gone of state.absorbed) {
        story = mergeStories(story, gone.story(), now).story;
        recent = newest([...recent, ...gone.recent]);
      }
      for (const prepared of state.joined) {
        story = joinStory(story, prepared.item, prepared.verdict, now).story;
        recent = newest([prepared.fingerprint, ...recent]);
      }
      const rejoined = story;
      current = {
        id: state.id,
        story: () => rejoined,
        recent,
        revision: (record.rev as number | undefined) ?? 0,
        joined: state.joined,
        absorbed: state.absorbed,
        stamps: stampsOf(record),
      };
    }
    throw new Error(`story ${state.id}: too many concurrent joins`);
  }

  /**
   * A story's recent members: each fingerprint's JSON, packed. A fingerprint seen before (most
   * members are, batch after batch) is the same object again, so it is not parsed again and core
   * keeps what it worked out for it. Records written before hold the fingerprints themselves.
   */
  #recentOf(record: Record<string, unknown>): Fingerprint[] {
    if (record.recent === undefined) return [];
    const recent = unpackJson<(string | Fingerprint)[]>(record.recent);
    return recent.map((print) => (typeof print === "string" ? this.#printOf(print) : print));
  }

  #printOf(text: string): Fingerprint {
    const known = this.#prints.get(text);
    if (known) return known;
    const print = JSON.parse(text) as Fingerprint;
    this.#keepPrint(text, print);
    return print;
  }

  #printText(print: Fingerprint): string {
    let text = this.#texts.get(print);
    if (text === undefined) {
      text = JSON.stringify(print);
      this.#texts.set(print, text);
      this.#keepPrint(text, print);
    }
    return text;
  }

  #keepPrint(text: string, print: Fingerprint): void {
    this.#prints.set(text, print);
    if (this.#prints.size > PRINTS_KEPT) this.#prints.delete(this.#prints.keys().next().value as string);
  }

  /** The shard's cache, when it keeps one: only with claims to keep it honest. */
  #cacheOf(shard: number): ShardCache | undefined {
    if (this.#shards === 1 || this.#cacheLimits === false) return undefined;
    let cache = this.#caches.get(shard);
    if (!cache) {
      cache = new ShardCache(this.#cacheLimits);
      this.#caches.set(shard, cache);
    }
    return cache;
  }

  /** A claim record as read; one written before claims counted their publications is gen 0. */
  #claimOf(record: ClaimRecord): Claim {
    const shard = Number(record.sk.slice(1));
    const gen = record.gen ?? 0;
    const { prevGen, prevPub, pub } = record;
    const current = pub
      ? this.#parsed(shard, gen, () => unpacked(gen, pub))
      : legacyPublicationOf(gen, record.prints, record.founds, record.keys, record.stories);
    const prev =
      prevGen !== undefined && prevPub
        ? this.#parsed(shard, prevGen, () => unpacked(prevGen, prevPub))
        : record.prev
          ? { entries: [], ...(JSON.parse(record.prev) as Omit<Publication, "entries">) }
          : undefined;
    return {
      shard,
      written: record.written,
      live: record.live ?? current.prints.length > 0,
      claimedAt: record.claimedAt,
      waitingFor: record.waitingFor ?? [],
      current,
      prev,
    };
  }

  /** A publication parsed once: claims are read on every batch and every wait, and each publication is read many times. */
  #parsed(shard: number, gen: number, parse: () => Publication): Publication {
    if (gen === 0) return parse();
    const known = this.#publications.get(`${shard}:${gen}`);
    if (known) return known;
    const publication = parse();
    this.#remember(shard, publication);
    return publication;
  }

  #remember(shard: number, publication: Publication): void {
    this.#publications.set(`${shard}:${publication.gen}`, publication);
    if (this.#publications.size > 64 * this.#shards) {
      this.#publications.delete(this.#publications.keys().next().value as string);
    }
  }

  async #put(record: ClaimRecord): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: record }));
  }
}

/** A publication as a claim holds it. */
function packed(publication: Publication): string {
  const { prints, founds, keys, entries, stories } = publication;
  publication.packed ??= packJson({ prints, founds, keys, entries, stories });
  return publication.packed;
}

function unpacked(gen: number, pub: string): Publication {
  const { prints, founds, keys, entries, stories } = unpackJson<Omit<Publication, "gen" | "packed">>(pub);
  return { gen, prints, founds, keys, entries: entries ?? [], stories, packed: pub };
}

/** A publication as claims held it before it was packed: JSON strings. */
function legacyPublicationOf(
  gen: number,
  prints: string | undefined,
  founds: string | undefined,
  keys: string | undefined,
  stories: string | undefined,
): Publication {
  return {
    gen,
    prints: JSON.parse(prints || "[]") as Fingerprint[],
    founds: JSON.parse(founds ?? "[]") as number[],
    keys: JSON.parse(keys ?? "[]") as string[],
    entries: [],
    stories: JSON.parse(stories ?? "[]") as string[],
  };
}

/**
 * Each item's candidates: the stories sharing the most keys with it, as the other stores rank
 * them, over what every shard saw under each key and this batch's own changes (`changed`, this
 * shard's slice). What a key holds is worked out once, until `changedKey` says it changed. An
 * entry of a story folded into another counts for the story it leads to (`survivor`), once a key.
 */
function rankerOf(
  index: ShardedIndex,
  shard: number,
  changed: ReadonlyMap<string, Entries>,
  survivor: (storyId: string) => string,
) {
  const merged = new Map<string, Entries | undefined>();
  const seenUnder = (key: string): Entries | undefined => {
    if (merged.has(key)) return merged.get(key);
    const slices = index.get(key) ?? [];
    let all: Entries | undefined;
    let copied = false;
    for (let from = 0; from < Math.max(slices.length, shard + 1); from++) {
      const slice = from === shard ? (changed.get(key) ?? slices[from]) : slices[from];
      if (!slice || slice.size === 0) continue;
      // One shard's slice alone is the answer as it is; a second one merges into a copy.
      if (!all) {
        all = slice;
        continue;
      }
      if (!copied) {
        all = new Map(all);
        copied = true;
      }
      for (const [storyId, at] of slice) if (at > (all.get(storyId) ?? "")) all.set(storyId, at);
    }
    merged.set(key, all);
    return all;
  };
  const ranked = (print: Fingerprint, known?: { has(storyId: string): boolean }): string[] => {
    const since = new Date(Date.parse(print.at) - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000).toISOString();
    const hits: string[] = [];
    for (const key of lookupKeys(print)) {
      const from = hits.length;
      let folded = false;
      for (const [storyId, at] of seenUnder(key) ?? []) {
        if (at < since) continue;
        const id = survivor(storyId);
        folded ||= id !== storyId;
        if (!known || known.has(id)) hits.push(id);
      }
      if (folded) hits.push(...new Set(hits.splice(from)));
    }
    return rankBySharedKeys(hits, CANDIDATE_LIMIT);
  };
  return { ranked, changedKey: (key: string) => merged.delete(key) };
}

function stampsOf(record: Record<string, unknown>): Stamps {
  return typeof record.stamps === "string" ? (JSON.parse(record.stamps) as Stamps) : {};
}

/**
 * Whether a shard's read already holds everything another shard's publication wrote that it
 * read: every index record of the publication's keys and every story of it that was read
 * carries that shard's stamp of this publication or a later one. Such a publication came first,
 * whatever it holds: deciding after it would have read the same.
 */
function includes(snapshot: Snapshot, decisions: Decisions, other: number, publication: Publication): boolean {
  for (const key of publication.keys) {
    if (!snapshot.keys.has(key)) continue;
    if ((snapshot.indexStamps.get(key)?.[other] ?? -1) < publication.gen) return false;
  }
  for (const storyId of publication.stories) {
    if (!decisions.asked.has(storyId)) continue;
    if ((decisions.storyStamps.get(storyId)?.[other] ?? -1) < publication.gen) return false;
  }
  return true;
}

/**
 * Whether two shards' publications conflict: an item of one similar enough to an item of the
 * other to join its story, where either of the two founds a story.
 */
function conflicts(mine: Publication, theirs: Publication): boolean {
  if (mine.founds.length === 0 && theirs.founds.length === 0) return false;
  const myFounds = new Set(mine.founds);
  const theirFounds = new Set(theirs.founds);
  return mine.prints.some((ours, i) =>
    theirs.prints.some(
      (print, j) =>
        (myFounds.has(i) || theirFounds.has(j)) && similarity(ours, print) >= DEFAULT_CLUSTER_OPTIONS.threshold,
    ),
  );
}

function newest(prints: readonly Fingerprint[]): Fingerprint[] {
  return [...prints].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT_MEMBERS);
}
