import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  CANDIDATE_LIMIT,
  DEFAULT_CLUSTER_OPTIONS,
  type Fingerprint,
  fingerprint,
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
import { batchGet, batchPut, itemRecord, markerRecords, type RecordKey, storyKey, storyRecord } from "./records.ts";
import { type DynamoTableOptions, documentClient, expiresAt, isConditionFailure } from "./shared.ts";

/**
 * Which assignment shard an item goes to: a MinHash of its index keys (the smallest hash of
 * any of them). Two items land in one shard with a probability equal to the share of index keys
 * they have in common, so copies of one report, which share nearly all, nearly always meet in
 * one shard. Correctness does not rest on it: shards that meet are kept apart by claims.
 */
export function storyShard(print: Fingerprint, shards: number): number {
  let least = 0xffffffff;
  for (const key of indexKeys(print)) least = Math.min(least, fnv1a(key));
  return least % Math.max(1, shards);
}

export interface DynamoStoryShardsOptions extends DynamoTableOptions {
  /** How many shards assign stories at once; every reader reads every shard's index record of a key. */
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

export interface PreparedForShard {
  item: Item;
  verdict: Verdict;
}

/** What became of one item of a shard batch. */
export interface ShardAssignment {
  itemId: string;
  /** `already`: a redelivered item whose assignment an earlier attempt stored. */
  outcome: "founded" | "joined" | "already";
  storyId: string;
  /** The story after this batch, and the version and changes this item brought to it. */
  version: number;
  changes: StoryChange[];
}

/** One sighting of a story under an index key: `[storyId, itemId, at]`. */
type Entry = [string, string, Timestamp];

interface IndexRecord {
  pk: string;
  sk: string;
  e?: Entry[];
}

interface ClaimedItem {
  itemId: string;
  fingerprint: Fingerprint;
}

interface ClaimRecord {
  pk: string;
  sk: string;
  token: string;
  claimedAt: number;
  items: ClaimedItem[];
  /** Lower shards this claim waits for: each may go ahead without waiting for it. */
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

/** Fingerprints kept on a story record, the most recent first: what a new item is compared with. */
const RECENT_MEMBERS = 8;
/** Entries one index record keeps, newest first. */
const ENTRIES_KEPT = 256;
const DEFAULT_TTL_DAYS = 14;
const CLAIMS = "STORYCLAIM";
const indexKey = (key: string, shard: number): RecordKey => ({ pk: `SIDX#${key}`, sk: `S${shard}` });
const claimKey = (shard: number): RecordKey => ({ pk: CLAIMS, sk: `S${shard}` });

export class ShardWaitTimeout extends Error {
  override name = "ShardWaitTimeout";
}

/**
 * Story assignment sharded over message groups, on the DynamoDB table. Each shard is the only
 * writer of its own index records (`SIDX#<key>` / `S<shard>`: the stories it saw under a key),
 * so it rewrites them whole in batched writes; every shard reads every shard's records of the
 * keys it looks up, in batched reads. Where two shards meet (an item one shard assigns is
 * similar to one another shard is assigning), a claim decides who goes first: each shard puts
 * the items it is about to assign in its claim record before it reads, so of two shards
 * assigning similar items at once at least one sees the other's claim. A shard that sees an
 * unsettled claim of a lower shard waits for it, and says so in its own claim; one that sees an
 * unsettled claim of a higher shard waits unless that shard says it waits for this one. The
 * shard that waits reads again once the other's items are indexed, and joins their stories: two
 * copies of one story never found two. Stories founded by a shard are written before its index
 * records; stories joined across shards are written conditionally on the revision read.
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
    this.#pollMs = options.pollMs ?? 25;
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
    const prints = items.map(({ item, verdict }) => fingerprint(item, verdict));
    const claim: ClaimRecord = {
      ...claimKey(shard),
      token: randomUUID(),
      claimedAt: this.#now(),
      items: items.map(({ item }, index) => ({ itemId: item.id, fingerprint: prints[index] as Fingerprint })),
    };
    await this.#put(claim);
    try {
      const index = await this.#settledIndex(shard, claim, prints);
      const assigned = await this.#decide(items, prints, index, now);
      return await this.#write(shard, items, index, assigned, now);
    } catch (error) {
      // Others need not wait out the lease for a batch that will be retried.
      await this.#put({ ...claimKey(shard), token: claim.token, claimedAt: 0, items: [] }).catch(() => undefined);
      throw error;
    }
  }

  /** Reads the index records of every key the items look up, in every shard, once no unsettled claim stands in the way. */
  async #settledIndex(
    shard: number,
    claim: ClaimRecord,
    prints: readonly Fingerprint[],
  ): Promise<Map<string, Entry[][]>> {
    const keys = [...new Set(prints.flatMap((print) => [...lookupKeys(print), ...indexKeys(print)]))];
    const started = this.#now();
    const extraKeys = new Set<string>();
    for (;;) {
      const wanted = [...keys, ...extraKeys];
      const others = Array.from({ length: this.#shards }, (_, other) => other).filter((other) => other !== shard);
      const records = await batchGet<Record<string, unknown>>(
        this.#doc,
        this.#table,
        [
          ...wanted.flatMap((key) => Array.from({ length: this.#shards }, (_, other) => indexKey(key, other))),
          ...others.map(claimKey),
        ],
        true,
      );
      const index = new Map<string, Entry[][]>();
      const claims: ClaimRecord[] = [];
      for (const record of records) {
        if (record.pk === CLAIMS) {
          claims.push(record as unknown as ClaimRecord);
          continue;
        }
        const { pk, sk, e } = record as unknown as IndexRecord;
        const key = pk.slice("SIDX#".length);
        const slots = index.get(key) ?? Array.from({ length: this.#shards }, () => []);
        slots[Number(sk.slice(1))] = e ?? [];
        index.set(key, slots);
      }
      const blockers = this.#blockers(shard, claims, prints, index, extraKeys);
      if (blockers.waitFor.length === 0 && !claim.waitingFor?.length) return index;
      if (blockers.waitFor.length === 0) {
        // Withdraw the word that this shard waits before going ahead, then read once more: a lower
        // shard that went ahead on that word has claimed its items by now, and is waited for.
        claim.waitingFor = [];
        await this.#put(claim);
        continue;
      }
      if (this.#now() - started > this.#maxWaitMs) {
        throw new ShardWaitTimeout(
          `shard ${shard} waited ${this.#maxWaitMs} ms for shards ${blockers.waitFor.join(", ")}`,
        );
      }
      const lower = blockers.waitFor.filter((other) => other < shard).sort((a, b) => a - b);
      if (lower.join() !== (claim.waitingFor ?? []).join()) {
        claim.waitingFor = lower;
        await this.#put(claim);
      }
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
  }

  /**
   * The shards this one must wait for: those holding a live claim on an item similar to one of
   * this batch that is not indexed yet. A higher shard that says it waits for this one is not waited for.
   * Keys of claimed items are added to `extraKeys`, so the next read shows when they are indexed.
   */
  #blockers(
    shard: number,
    claims: readonly ClaimRecord[],
    prints: readonly Fingerprint[],
    index: Map<string, Entry[][]>,
    extraKeys: Set<string>,
  ): { waitFor: number[] } {
    const waitFor: number[] = [];
    const now = this.#now();
    for (const claim of claims) {
      const other = Number(claim.sk.slice(1));
      if (!claim.items?.length || now - claim.claimedAt > this.#leaseMs) continue;
      if (other > shard && claim.waitingFor?.includes(shard)) continue;
      const unsettled = claim.items.some(({ itemId, fingerprint: theirs }) => {
        if (!prints.some((ours) => similarity(ours, theirs) >= DEFAULT_CLUSTER_OPTIONS.threshold)) return false;
        const keys = indexKeys(theirs);
        for (const key of keys) if (!index.has(key)) extraKeys.add(key);
        return !keys.some((key) => index.get(key)?.[other]?.some((entry) => entry[1] === itemId));
      });
      if (unsettled) waitFor.push(other);
    }
    return { waitFor };
  }

  async #decide(
    items: readonly PreparedForShard[],
    prints: readonly Fingerprint[],
    index: Map<string, Entry[][]>,
    now: Timestamp,
  ): Promise<{ outcomes: ShardAssignment[]; stories: Map<string, StoryState>; added: Map<string, Entry[]> }> {
    const added = new Map<string, Entry[]>();
    const entriesUnder = (key: string): Entry[] => [...(index.get(key)?.flat() ?? []), ...(added.get(key) ?? [])];
    const since = (print: Fingerprint) =>
      new Date(Date.parse(print.at) - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000).toISOString();
    const wanted = new Set<string>();
    for (const print of prints) {
      for (const key of lookupKeys(print)) {
        for (const [storyId, , at] of entriesUnder(key)) if (at >= since(print)) wanted.add(storyId);
      }
    }
    const stories = new Map<string, StoryState>();
    const records = await batchGet<Record<string, unknown>>(this.#doc, this.#table, [...wanted].map(storyKey), true);
    for (const record of records) {
      const story = record.story as Story;
      stories.set(story.id, {
        story,
        recent: (record.recent as Fingerprint[] | undefined) ?? [],
        revision: (record.rev as number | undefined) ?? 0,
        joined: [],
      });
    }

    const outcomes: ShardAssignment[] = [];
    for (const [position, prepared] of items.entries()) {
      const print = prints[position] as Fingerprint;
      const { item, verdict } = prepared;
      const earlier = indexKeys(print)
        .flatMap(entriesUnder)
        .find((entry) => entry[1] === item.id);
      const known = earlier && stories.get(earlier[0]);
      if (earlier && known) {
        outcomes.push({
          itemId: item.id,
          outcome: "already",
          storyId: earlier[0],
          version: known.story.version,
          changes: [],
        });
        continue;
      }
      const hits = lookupKeys(print).flatMap((key) =>
        entriesUnder(key)
          .filter(([storyId, , at]) => at >= since(print) && stories.has(storyId))
          .map(([storyId]) => storyId),
      );
      const candidates: StoryCandidate[] = rankBySharedKeys(hits, CANDIDATE_LIMIT).map((storyId) => ({
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
      state.recent = [print, ...state.recent].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT_MEMBERS);
      stories.set(state.story.id, state);
      for (const key of indexKeys(print))
        added.set(key, [...(added.get(key) ?? []), [state.story.id, item.id, print.at]]);
      outcomes.push({
        itemId: item.id,
        outcome: current ? "joined" : "founded",
        storyId: state.story.id,
        version: state.story.version,
        changes,
      });
    }
    return { outcomes, stories, added };
  }

  /**
   * Stories first (those founded here in batched writes; those joined, which other shards may
   * also join, each conditionally on its revision), then items, markers and this shard's index
   * records: whoever sees an index entry finds its story stored.
   */
  async #write(
    shard: number,
    items: readonly PreparedForShard[],
    index: Map<string, Entry[][]>,
    assigned: { outcomes: ShardAssignment[]; stories: Map<string, StoryState>; added: Map<string, Entry[]> },
    now: Timestamp,
  ): Promise<ShardAssignment[]> {
    const fresh = assigned.outcomes.filter((outcome) => outcome.outcome !== "already");
    const touched = new Set(fresh.map((outcome) => outcome.storyId));
    const states = [...assigned.stories.values()].filter((state) => touched.has(state.story.id));
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
    for (const [key, mine] of assigned.added) {
      const kept = [...mine, ...(index.get(key)?.[shard] ?? [])]
        .sort((a, b) => b[2].localeCompare(a[2]))
        .slice(0, ENTRIES_KEPT);
      const newest = kept[0]?.[2] ?? now;
      records.push({ ...indexKey(key, shard), e: kept, expiresAt: expiresAt(newest, this.#ttlDays) });
    }
    await batchPut(this.#doc, this.#table, records);
    return assigned.outcomes.map((outcome) => {
      const story = stored.get(outcome.storyId);
      return story && outcome.outcome !== "already"
        ? { ...outcome, version: Math.max(outcome.version, story.version) }
        : outcome;
    });
  }

  #storyRecord(state: StoryState, revision: number): Record<string, unknown> {
    return { ...storyRecord(state.story), recent: state.recent, rev: revision };
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
      let story = record.story as Story;
      let recent = (record.recent as Fingerprint[] | undefined) ?? [];
      for (const prepared of state.joined) {
        story = joinStory(story, prepared.item, prepared.verdict, now).story;
        recent = [fingerprint(prepared.item, prepared.verdict), ...recent]
          .sort((a, b) => b.at.localeCompare(a.at))
          .slice(0, RECENT_MEMBERS);
      }
      current = { story, recent, revision: (record.rev as number | undefined) ?? 0, joined: state.joined };
    }
    throw new Error(`story ${state.story.id}: too many concurrent joins`);
  }

  async #put(record: ClaimRecord): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: record }));
  }
}
