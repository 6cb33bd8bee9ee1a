import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  CANDIDATE_LIMIT,
  DEFAULT_CLUSTER_OPTIONS,
  type Fingerprint,
  fnv1a,
  foundStory,
  type Item,
  indexKeys,
  joinStory,
  lookupKeys,
  pickStory,
  rankBySharedKeys,
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
  GET_LIMIT,
  itemKey,
  itemRecord,
  markerRecords,
  type RecordKey,
  storyKey,
  storyOf,
  storyRecord,
} from "./records.ts";
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
}

/** An item as the fetch stage prepared it: its fingerprint was made there, from the one reading of its text. */
export interface PreparedForShard {
  item: Item;
  verdict: Verdict;
  fingerprint: Fingerprint;
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
}

/** The stories seen under an index key, each with when its latest member there was, newest first. */
type Entries = Map<string, Timestamp>;

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
}

interface ClaimRecord {
  pk: string;
  sk: string;
  token: string;
  claimedAt: number;
  gen?: number;
  /** The fingerprints of the items, as JSON (cheap to store and read); kept once the claim is settled. */
  prints: string;
  /** Positions in `prints` of the items that found a story, as JSON. */
  founds?: string;
  /** The index keys and stories it writes, as JSON. */
  keys?: string;
  stories?: string;
  /** Until the shard has written everything this claim announces. */
  live?: boolean;
  /** The shard's publication before this one, as JSON: a reader that missed it can still check it. */
  prev?: string | undefined;
  /** Older claims' shards this claim waits for: each may go ahead without waiting for it. */
  waitingFor?: number[];
}

/** A claim as read: what it announces now and before. */
interface Claim {
  shard: number;
  live: boolean;
  claimedAt: number;
  waitingFor: number[];
  current: Publication;
  prev: Publication | undefined;
}

interface StoryState {
  story: Story;
  recent: Fingerprint[];
  /** The revision read; undefined for a story this batch founded. */
  revision: number | undefined;
  /** Items of this batch joined to it, in order, so the join can be redone on a newer copy. */
  joined: PreparedForShard[];
  /** Per shard, its newest publication that wrote the story: kept on the record. */
  stamps: Stamps;
}

/** Per shard (by number), the publication of that shard that last wrote a record. */
type Stamps = Record<string, number>;

/** What a shard read before deciding: the index, every shard's claim, and which items are stored already. */
interface Snapshot {
  index: ShardedIndex;
  /** The index keys read, and per key the publication that wrote each shard's record. */
  keys: Set<string>;
  indexStamps: Map<string, number[]>;
  claims: Map<number, Claim>;
  /** Item id → story id, for items an earlier attempt stored. */
  stored: Map<string, string>;
}

interface Decisions {
  outcomes: ShardAssignment[];
  stories: Map<string, StoryState>;
  /** The stories asked for, and the stamps of those read. */
  asked: Set<string>;
  storyStamps: Map<string, Stamps>;
  /** Index records this batch changes, with their entries after it. */
  changed: Map<string, Entries>;
}

/** Fingerprints kept on a story record, the most recent first: what a new item is compared with. */
const RECENT_MEMBERS = 8;
/** Stories one index record keeps, the most recently seen first; candidates are the 16 sharing the most keys. */
const ENTRIES_KEPT = 16;
const DEFAULT_TTL_DAYS = 14;
const CLAIMS = "STORYCLAIM";
const indexKey = (key: string, shard: number): RecordKey => ({ pk: `SIDX#${key}`, sk: `S${shard}` });
const claimKey = (shard: number): RecordKey => ({ pk: CLAIMS, sk: `S${shard}` });

/** Index entries as one string attribute, `<storyId> <at>` a line: cheap to marshal, store and read. */
function encodeEntries(entries: Entries): string {
  return [...entries].map(([storyId, at]) => `${storyId} ${at}`).join("\n");
}

function decodeEntries(text: unknown): Entries {
  const entries: Entries = new Map();
  if (typeof text !== "string" || text === "") return entries;
  for (const line of text.split("\n")) {
    const [storyId, at] = line.split(" ");
    if (storyId && at) entries.set(storyId, at);
  }
  return entries;
}

export class ShardWaitTimeout extends Error {
  override name = "ShardWaitTimeout";
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
 * name them, and items last of all, so an item stored means its assignment is complete.
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
    const claim: ClaimRecord = { ...claimKey(shard), token: randomUUID(), claimedAt: this.#now(), prints: "[]" };
    const started = this.#now();
    // Per other shard, the newest publication known to be written (or dropped) before this shard last read.
    const known = new Map<number, number>();
    let published = false;
    try {
      for (;;) {
        if (this.#now() - started > this.#maxWaitMs) {
          throw new ShardWaitTimeout(`shard ${shard} decided again for ${this.#maxWaitMs} ms without settling`);
        }
        const snapshot = await this.#read(items, prints);
        const decisions = await this.#decide(shard, items, prints, snapshot, now);
        const fresh = decisions.outcomes.flatMap((outcome, position) =>
          outcome.outcome === "already" ? [] : [position],
        );
        if (fresh.length === 0) return decisions.outcomes;
        // One shard meets no other: it needs no claim.
        if (this.#shards === 1) return await this.#write(undefined, items, decisions, now, shard);
        const own = snapshot.claims.get(shard);
        const mine: Publication = {
          gen: Math.max(own?.current.gen ?? 0, claim.gen ?? 0) + 1,
          prints: fresh.map((position) => prints[position] as Fingerprint),
          founds: fresh.flatMap((position, index) =>
            decisions.outcomes[position]?.outcome === "founded" ? [index] : [],
          ),
          keys: [...decisions.changed.keys()],
          stories: [...new Set(fresh.map((position) => decisions.outcomes[position]?.storyId ?? ""))],
        };
        Object.assign(claim, {
          gen: mine.gen,
          prints: JSON.stringify(mine.prints),
          founds: JSON.stringify(mine.founds),
          keys: JSON.stringify(mine.keys),
          stories: JSON.stringify(mine.stories),
          prev: own?.current.gen ? JSON.stringify(own.current) : undefined,
          live: true,
          waitingFor: [],
        });
        published = true;
        await this.#put(claim);
        const read = (other: number, publication: Publication) => includes(snapshot, decisions, other, publication);
        if (await this.#settled(shard, claim, mine, snapshot.claims, read, known, started)) {
          return await this.#write(claim, items, decisions, now, shard);
        }
      }
    } catch (error) {
      // Others need not wait out the lease for a batch that will be retried.
      if (published) await this.#put({ ...claim, live: false, waitingFor: [] }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Every shard's claim, every shard's index records of the items' keys and the items' own
   * records. The index must be read no earlier than the claims: read together in one call they
   * are (the claims say what was published, the index holds at least that, give or take the
   * publication just before, which the check allows for); when they take more calls than one,
   * from their number or from keys DynamoDB left unprocessed, the index is read after the claims.
   */
  async #read(items: readonly PreparedForShard[], prints: readonly Fingerprint[]): Promise<Snapshot> {
    const keys = [...new Set(prints.flatMap(lookupKeys))];
    const every = Array.from({ length: this.#shards }, (_, n) => n);
    const claimKeys = every.map(claimKey);
    const rest = [
      ...keys.flatMap((key) => every.map((n) => indexKey(key, n))),
      ...items.map(({ item }) => itemKey(item.id)),
    ];
    const readRest = () => batchGet<Record<string, unknown>>(this.#doc, this.#table, rest, true);
    let records: Record<string, unknown>[];
    if (claimKeys.length + rest.length <= GET_LIMIT) {
      const calls = { count: 0 };
      records = await batchGet(this.#doc, this.#table, [...claimKeys, ...rest], true, calls);
      if (calls.count > 1) records = [...records.filter((record) => record.pk === CLAIMS), ...(await readRest())];
    } else {
      const claims = await batchGet<Record<string, unknown>>(this.#doc, this.#table, claimKeys, true);
      records = [...claims, ...(await readRest())];
    }
    const index: ShardedIndex = new Map();
    const indexStamps = new Map<string, number[]>();
    const claims = new Map<number, Claim>();
    const stored = new Map<string, string>();
    for (const record of records) {
      if (record.pk === CLAIMS) {
        const claim = claimOf(record as unknown as ClaimRecord);
        claims.set(claim.shard, claim);
        continue;
      }
      if (record.sk === "ITEM") {
        if (typeof record.storyId === "string") stored.set((record.item as Item).id, record.storyId);
        continue;
      }
      const key = (record.pk as string).slice("SIDX#".length);
      const from = Number((record.sk as string).slice(1));
      const slices = index.get(key) ?? [];
      slices[from] = decodeEntries(record.e);
      index.set(key, slices);
      const stamps = indexStamps.get(key) ?? [];
      stamps[from] = typeof record.g === "number" ? record.g : 0;
      indexStamps.set(key, stamps);
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
          const read = claimOf(record as unknown as ClaimRecord);
          return [read.shard, read] as const;
        }),
      );
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
    // What every shard saw under a key, with this batch's own assignments.
    const seenUnder = (key: string): Entries => {
      const all: Entries = new Map();
      const slices = [...(index.get(key) ?? [])];
      slices[shard] = changed.get(key) ?? slices[shard];
      for (const slice of slices) {
        for (const [storyId, at] of slice ?? []) if (at > (all.get(storyId) ?? "")) all.set(storyId, at);
      }
      return all;
    };
    const since = (print: Fingerprint) =>
      new Date(Date.parse(print.at) - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000).toISOString();
    // Each item's candidates: the stories sharing the most keys with it, as the other stores rank them.
    const ranked = (print: Fingerprint, known?: ReadonlySet<string>) =>
      rankBySharedKeys(
        lookupKeys(print).flatMap((key) =>
          [...seenUnder(key)]
            .filter(([storyId, at]) => at >= since(print) && (!known || known.has(storyId)))
            .map(([storyId]) => storyId),
        ),
        CANDIDATE_LIMIT,
      );
    const wanted = new Set(
      prints.flatMap((print, position) => (stored.has(items[position]?.item.id ?? "") ? [] : ranked(print))),
    );
    const records =
      wanted.size > 0
        ? await batchGet<Record<string, unknown>>(this.#doc, this.#table, [...wanted].map(storyKey), true)
        : [];
    const stories = new Map<string, StoryState>();
    const storyStamps = new Map<string, Stamps>();
    for (const record of records) {
      const story = storyOf(record);
      const stamps = stampsOf(record);
      storyStamps.set(story.id, stamps);
      stories.set(story.id, {
        story,
        recent: recentOf(record),
        revision: (record.rev as number | undefined) ?? 0,
        joined: [],
        stamps,
      });
    }

    const outcomes: ShardAssignment[] = [];
    for (const [position, prepared] of items.entries()) {
      const print = prints[position] as Fingerprint;
      const { item, verdict } = prepared;
      const earlier = stored.get(item.id);
      if (earlier) {
        outcomes.push({ itemId: item.id, outcome: "already", storyId: earlier, version: 0, changes: [] });
        continue;
      }
      const candidates: StoryCandidate[] = ranked(print, new Set(stories.keys())).map((storyId) => ({
        storyId,
        fingerprints: stories.get(storyId)?.recent ?? [],
      }));
      const pick = pickStory(print, candidates);
      const current = pick && stories.get(pick.storyId);
      let state: StoryState;
      let changes: StoryChange[] = [];
      if (current) {
        const joined = joinStory(current.story, item, verdict, now);
        state = { ...current, story: joined.story, joined: [...current.joined, prepared] };
        changes = joined.changes;
      } else {
        state = { story: foundStory(item, verdict, now), recent: [], revision: undefined, joined: [], stamps: {} };
      }
      state.recent = newest([print, ...state.recent]);
      stories.set(state.story.id, state);
      for (const key of lookupKeys(print)) {
        const entries = changed.get(key) ?? new Map(index.get(key)?.[shard] ?? []);
        // A key that already names the story as recently needs no write.
        if ((entries.get(state.story.id) ?? "") >= print.at && !changed.has(key)) continue;
        if (print.at > (entries.get(state.story.id) ?? "")) entries.set(state.story.id, print.at);
        changed.set(key, entries);
      }
      outcomes.push({
        itemId: item.id,
        outcome: current ? "joined" : "founded",
        storyId: state.story.id,
        version: state.story.version,
        changes,
      });
    }
    return { outcomes, stories, asked: wanted, storyStamps, changed };
  }

  /**
   * Stories first (those founded here in batched writes; those joined, which other shards may
   * also join, each conditionally on its revision), then items, markers and index records, and
   * last the claim, settled: whoever sees an index entry finds its story stored.
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
    const states = [...decisions.stories.values()].filter((state) => touched.has(state.story.id));
    const [, ...rejoined] = await Promise.all([
      batchPut(
        this.#doc,
        this.#table,
        states.filter((state) => state.revision === undefined).map((state) => this.#storyRecord(state, 0, shard, gen)),
      ),
      ...states.filter((state) => state.revision !== undefined).map((state) => this.#putJoined(state, now, shard, gen)),
    ]);
    // A story another shard joined meanwhile was joined again on its newer copy: its version is that copy's.
    const stored = new Map(rejoined.map((story) => [story.id, story]));
    const storyOf = new Map(fresh.map((outcome) => [outcome.itemId, outcome.storyId]));
    const indexRecords: Record<string, unknown>[] = [];
    for (const [key, entries] of decisions.changed) {
      const kept: Entries = new Map([...entries].sort((a, b) => b[1].localeCompare(a[1])).slice(0, ENTRIES_KEPT));
      const newest = kept.values().next().value ?? now;
      indexRecords.push({
        ...indexKey(key, shard),
        e: encodeEntries(kept),
        g: gen,
        expiresAt: expiresAt(newest, this.#ttlDays),
      });
    }
    // The index first, then the items: a batch written in parallel chunks could otherwise store an
    // item whose index records failed, and a redelivery would take the item as done.
    await batchPut(this.#doc, this.#table, indexRecords);
    const itemRecords: Record<string, unknown>[] = [];
    for (const { item, verdict } of items) {
      const storyId = storyOf.get(item.id);
      if (!storyId) continue;
      itemRecords.push(itemRecord({ item, verdict, storyId }, this.#retentionDays));
      itemRecords.push(...markerRecords(item, this.#retentionDays));
    }
    await batchPut(this.#doc, this.#table, itemRecords);
    if (claim) await this.#put({ ...claim, live: false, waitingFor: [] });
    return decisions.outcomes.map((outcome) => {
      const story = stored.get(outcome.storyId);
      return story && outcome.outcome !== "already"
        ? { ...outcome, version: Math.max(outcome.version, story.version) }
        : outcome;
    });
  }

  #storyRecord(state: StoryState, revision: number, shard: number, gen: number): Record<string, unknown> {
    const stamps = JSON.stringify({ ...state.stamps, [shard]: gen });
    return { ...storyRecord(state.story), recent: JSON.stringify(state.recent), rev: revision, stamps };
  }

  /** Writes a story other shards may also have joined: on a lost race, reads it again and redoes this batch's joins. */
  async #putJoined(state: StoryState, now: Timestamp, shard: number, gen: number): Promise<Story> {
    let current = state;
    for (let attempt = 0; attempt < 8; attempt++) {
      const read = current.revision ?? 0;
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: this.#storyRecord(current, read + 1, shard, gen),
            ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(rev) OR rev = :rev)",
            ExpressionAttributeValues: { ":rev": read },
          }),
        );
        return current.story;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const [record] = await batchGet<Record<string, unknown>>(
        this.#doc,
        this.#table,
        [storyKey(state.story.id)],
        true,
      );
      if (!record) throw new Error(`story ${state.story.id} vanished while it was being joined`);
      let story = storyOf(record);
      let recent = recentOf(record);
      for (const prepared of state.joined) {
        story = joinStory(story, prepared.item, prepared.verdict, now).story;
        recent = newest([prepared.fingerprint, ...recent]);
      }
      current = {
        story,
        recent,
        revision: (record.rev as number | undefined) ?? 0,
        joined: state.joined,
        stamps: stampsOf(record),
      };
    }
    throw new Error(`story ${state.story.id}: too many concurrent joins`);
  }

  async #put(record: ClaimRecord): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: record }));
  }
}

/** A claim record as read; one written before claims counted their publications is gen 0. */
function claimOf(record: ClaimRecord): Claim {
  const prints = JSON.parse(record.prints || "[]") as Fingerprint[];
  const prev = record.prev ? (JSON.parse(record.prev) as Publication) : undefined;
  return {
    shard: Number(record.sk.slice(1)),
    live: record.live ?? prints.length > 0,
    claimedAt: record.claimedAt,
    waitingFor: record.waitingFor ?? [],
    current: {
      gen: record.gen ?? 0,
      prints,
      founds: JSON.parse(record.founds ?? "[]") as number[],
      keys: JSON.parse(record.keys ?? "[]") as string[],
      stories: JSON.parse(record.stories ?? "[]") as string[],
    },
    prev,
  };
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

function recentOf(record: Record<string, unknown>): Fingerprint[] {
  return typeof record.recent === "string" ? (JSON.parse(record.recent) as Fingerprint[]) : [];
}

function newest(prints: readonly Fingerprint[]): Fingerprint[] {
  return [...prints].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT_MEMBERS);
}
