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

interface ClaimRecord {
  pk: string;
  sk: string;
  token: string;
  claimedAt: number;
  /** The fingerprints of the items being assigned, as JSON (cheap to store and read); empty when settled. */
  prints: string;
  /** Older claims' shards this claim waits for: each may go ahead without waiting for it. */
  waitingFor?: number[];
}

interface StoryState {
  story: Story;
  recent: Fingerprint[];
  /** The revision read; undefined for a story this batch founded. */
  revision: number | undefined;
  /** Items of this batch joined to it, in order, so the join can be redone on a newer copy. */
  joined: PreparedForShard[];
}

interface Decisions {
  outcomes: ShardAssignment[];
  stories: Map<string, StoryState>;
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

/** Every key an item is read or written under. */
function keysOf(print: Fingerprint): string[] {
  return [...new Set([...lookupKeys(print), ...indexKeys(print)])];
}

export class ShardWaitTimeout extends Error {
  override name = "ShardWaitTimeout";
}

/**
 * Story assignment sharded over message groups, on the DynamoDB table. The near-duplicate index
 * is one record a key and shard (`SIDX#<key>` / `S<shard>`: the stories that shard saw under the
 * key, newest first). Each shard is the only writer of its own records (one batch of its message
 * group at a time), so it rewrites them whole in batched writes; every shard reads every shard's
 * records of the keys it looks up, in batched reads. Where two shards meet (an item one is
 * assigning is similar enough to one the other is assigning to join its story), a claim decides
 * who goes first: each shard puts the fingerprints of the items it is about to assign in its
 * claim record before it reads, so of two shards assigning similar items at once at least one
 * sees the other's claim. Claims are ordered by age (then shard). A shard that sees an older
 * unsettled claim on a similar item waits for it, and says so in its own claim; one that sees a
 * younger one waits unless that claim says it waits for this one. A claim is settled when its
 * shard has written everything and clears it; the shard that waited then reads the index again,
 * finds the other's stories and joins them, so two copies of one story never found two.
 * Ordering by age means a shard that waited is first the next time it meets the same shard:
 * none is starved. Stories a batch founds are written before the index records that name them;
 * stories it joins, which unrelated items in other shards may join at the same time, are written
 * conditionally on the revision read, and joined again on a newer copy when that fails.
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
    const claim: ClaimRecord = {
      ...claimKey(shard),
      token: randomUUID(),
      claimedAt: this.#now(),
      prints: JSON.stringify(prints),
    };
    await this.#put(claim);
    try {
      const index = await this.#settledIndex(shard, claim, prints);
      const decisions = await this.#decide(shard, items, prints, index, now);
      return await this.#write(shard, claim, items, decisions, now);
    } catch (error) {
      // Others need not wait out the lease for a batch that will be retried.
      await this.#put({ ...claim, prints: "[]", waitingFor: [] }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Reads the index records of every key the items look up or are stored under, once no
   * unsettled claim stands in the way. While it waits, only the other shards' claims are read.
   */
  async #settledIndex(shard: number, claim: ClaimRecord, prints: readonly Fingerprint[]): Promise<ShardedIndex> {
    const keys = [...new Set(prints.flatMap(keysOf))];
    const others = Array.from({ length: this.#shards }, (_, other) => other).filter((other) => other !== shard);
    const started = this.#now();
    let waiting = false;
    for (;;) {
      const records = await batchGet<Record<string, unknown>>(
        this.#doc,
        this.#table,
        [
          ...(waiting ? [] : keys.flatMap((key) => Array.from({ length: this.#shards }, (_, n) => indexKey(key, n)))),
          ...others.map(claimKey),
        ],
        true,
      );
      const index: ShardedIndex = new Map();
      const claims: ClaimRecord[] = [];
      for (const record of records) {
        if (record.pk === CLAIMS) {
          claims.push(record as unknown as ClaimRecord);
          continue;
        }
        const key = (record.pk as string).slice("SIDX#".length);
        const slices = index.get(key) ?? [];
        slices[Number((record.sk as string).slice(1))] = decodeEntries(record.e);
        index.set(key, slices);
      }
      const blockers = this.#blockers(shard, claim, claims, prints);
      if (blockers.waitFor.length === 0) {
        if (!waiting) return index;
        waiting = false; // the claims waited for are settled: read the index again, their stories in it
        continue;
      }
      if (this.#now() - started > this.#maxWaitMs) {
        throw new ShardWaitTimeout(
          `shard ${shard} waited ${this.#maxWaitMs} ms for shards ${blockers.waitFor.join(", ")}`,
        );
      }
      waiting = true;
      if (blockers.older.join() !== (claim.waitingFor ?? []).join()) {
        claim.waitingFor = blockers.older;
        await this.#put(claim);
      }
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
  }

  /**
   * The shards this one must wait for: those holding a live claim on an item similar enough to
   * one of this batch that either could join the other's story. Claims are ordered by when they
   * were made (then by shard): a younger claim that says it waits for this one is not waited
   * for; `older` lists the older claims waited for. A younger claim is waited for only while its
   * shard has not yet seen this one; once it has, it waits, says so, and this shard goes ahead.
   */
  #blockers(
    shard: number,
    mine: ClaimRecord,
    claims: readonly ClaimRecord[],
    prints: readonly Fingerprint[],
  ): { waitFor: number[]; older: number[] } {
    const waitFor: number[] = [];
    const older: number[] = [];
    const now = this.#now();
    for (const claim of claims) {
      const other = Number(claim.sk.slice(1));
      if (!claim.prints || claim.prints === "[]" || now - claim.claimedAt > this.#leaseMs) continue;
      const theirsFirst = claim.claimedAt < mine.claimedAt || (claim.claimedAt === mine.claimedAt && other < shard);
      if (!theirsFirst && claim.waitingFor?.includes(shard)) continue;
      // They meet where an item of one could join the story of an item of the other.
      const theirs = JSON.parse(claim.prints) as Fingerprint[];
      const meet = theirs.some((print) =>
        prints.some((ours) => similarity(ours, print) >= DEFAULT_CLUSTER_OPTIONS.threshold),
      );
      if (!meet) continue;
      waitFor.push(other);
      if (theirsFirst) older.push(other);
    }
    return { waitFor, older: older.sort((a, b) => a - b) };
  }

  async #decide(
    shard: number,
    items: readonly PreparedForShard[],
    prints: readonly Fingerprint[],
    index: ShardedIndex,
    now: Timestamp,
  ): Promise<Decisions> {
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
    const wanted = new Set(prints.flatMap((print) => ranked(print)));
    // The items' own records come along: one stored by an earlier attempt is not assigned again.
    const records = await batchGet<Record<string, unknown>>(
      this.#doc,
      this.#table,
      [...[...wanted].map(storyKey), ...items.map(({ item }) => itemKey(item.id))],
      true,
    );
    const stories = new Map<string, StoryState>();
    const stored = new Map<string, string>();
    for (const record of records) {
      if (record.sk === "ITEM") {
        if (typeof record.storyId === "string") stored.set((record.item as Item).id, record.storyId);
        continue;
      }
      const story = storyOf(record);
      stories.set(story.id, {
        story,
        recent: recentOf(record),
        revision: (record.rev as number | undefined) ?? 0,
        joined: [],
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
        state = { story: foundStory(item, verdict, now), recent: [], revision: undefined, joined: [] };
      }
      state.recent = newest([print, ...state.recent]);
      stories.set(state.story.id, state);
      for (const key of indexKeys(print)) {
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
    return { outcomes, stories, changed };
  }

  /**
   * Stories first (those founded here in batched writes; those joined, which other shards may
   * also join, each conditionally on its revision), then items, markers and index records, and
   * last the claim, cleared: whoever sees an index entry finds its story stored.
   */
  async #write(
    shard: number,
    claim: ClaimRecord,
    items: readonly PreparedForShard[],
    decisions: Decisions,
    now: Timestamp,
  ): Promise<ShardAssignment[]> {
    const fresh = decisions.outcomes.filter((outcome) => outcome.outcome !== "already");
    const touched = new Set(fresh.map((outcome) => outcome.storyId));
    const states = [...decisions.stories.values()].filter((state) => touched.has(state.story.id));
    const [, ...rejoined] = await Promise.all([
      batchPut(
        this.#doc,
        this.#table,
        states.filter((state) => state.revision === undefined).map((state) => this.#storyRecord(state, 0)),
      ),
      ...states.filter((state) => state.revision !== undefined).map((state) => this.#putJoined(state, now)),
    ]);
    // A story another shard joined meanwhile was joined again on its newer copy: its version is that copy's.
    const stored = new Map(rejoined.map((story) => [story.id, story]));
    const storyOf = new Map(fresh.map((outcome) => [outcome.itemId, outcome.storyId]));
    const records: Record<string, unknown>[] = [];
    for (const { item, verdict } of items) {
      const storyId = storyOf.get(item.id);
      if (!storyId) continue;
      records.push(itemRecord({ item, verdict, storyId }, this.#retentionDays));
      records.push(...markerRecords(item, this.#retentionDays));
    }
    for (const [key, entries] of decisions.changed) {
      const kept: Entries = new Map([...entries].sort((a, b) => b[1].localeCompare(a[1])).slice(0, ENTRIES_KEPT));
      const newest = kept.values().next().value ?? now;
      records.push({ ...indexKey(key, shard), e: encodeEntries(kept), expiresAt: expiresAt(newest, this.#ttlDays) });
    }
    await batchPut(this.#doc, this.#table, records);
    await this.#put({ ...claim, prints: "[]", waitingFor: [] });
    return decisions.outcomes.map((outcome) => {
      const story = stored.get(outcome.storyId);
      return story && outcome.outcome !== "already"
        ? { ...outcome, version: Math.max(outcome.version, story.version) }
        : outcome;
    });
  }

  #storyRecord(state: StoryState, revision: number): Record<string, unknown> {
    return { ...storyRecord(state.story), recent: JSON.stringify(state.recent), rev: revision };
  }

  /** Writes a story other shards may also have joined: on a lost race, reads it again and redoes this batch's joins. */
  async #putJoined(state: StoryState, now: Timestamp): Promise<Story> {
    let current = state;
    for (let attempt = 0; attempt < 8; attempt++) {
      const read = current.revision ?? 0;
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: this.#storyRecord(current, read + 1),
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
      current = { story, recent, revision: (record.rev as number | undefined) ?? 0, joined: state.joined };
    }
    throw new Error(`story ${state.story.id}: too many concurrent joins`);
  }

  async #put(record: ClaimRecord): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: record }));
  }
}

function recentOf(record: Record<string, unknown>): Fingerprint[] {
  return typeof record.recent === "string" ? (JSON.parse(record.recent) as Fingerprint[]) : [];
}

function newest(prints: readonly Fingerprint[]): Fingerprint[] {
  return [...prints].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT_MEMBERS);
}
