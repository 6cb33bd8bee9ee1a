import type { Fingerprint, Story, Timestamp } from "@treatywatch/core";

/** The stories seen under an index key, each with when its latest member there was, newest first. */
export type Entries = Map<string, Timestamp>;

/** Index entries as one string attribute, `<storyId> <at>` a line: cheap to marshal, store and read. */
export function encodeEntries(entries: Entries): string {
  return [...entries].map(([storyId, at]) => `${storyId} ${at}`).join("\n");
}

export function decodeEntries(text: unknown): Entries {
  const entries: Entries = new Map();
  if (typeof text !== "string" || text === "") return entries;
  for (const line of text.split("\n")) {
    const [storyId, at] = line.split(" ");
    if (storyId && at) entries.set(storyId, at);
  }
  return entries;
}

/** Per shard (by number), the publication of that shard that last wrote a record. */
export type Stamps = Record<string, number>;

/** One shard's index record of one key as last read or written: no entries when there was none. */
export interface KnownIndexRecord {
  entries: Entries | undefined;
  /** The publication of its shard that wrote it. */
  stamp: number | undefined;
}

/** A story record as last read or written: the story is parsed when first asked for (most are only compared with). */
export interface KnownStory {
  id: string;
  story: () => Story;
  recent: Fingerprint[];
  revision: number;
  stamps: Stamps;
}

/** What a claim announces of one publication: the index keys it writes, each record as written (`encodeEntries`), and the stories. */
export interface Announcement {
  gen: number;
  keys: readonly string[];
  entries: readonly string[];
  stories: readonly string[];
}

export interface ShardCacheLimits {
  /** Index records kept per shard. */
  indexRecords: number;
  stories: number;
}

const DEFAULT_LIMITS: ShardCacheLimits = { indexRecords: 5_000, stories: 256 };

/**
 * What one story shard remembers between its batches: the index records and story records it
 * last read or wrote, so a warm shard reads again only what changed. It is kept honest by the
 * claims the shard reads on every batch anyway: each announces the index keys and stories its
 * publication writes, and counts its publications, so every record another shard (or another
 * copy of this one) rewrote since is forgotten before it could be used again. A shard whose
 * publications were not all seen (more than one since the last look) is forgotten whole, with
 * every story. A record is not remembered while a publication that may still rewrite it is
 * pending. What slips past this (a writer outside the claims) costs a retry: a story is written
 * only on the revision it was read at, and its joins are redone on the newer copy.
 */
export class ShardCache {
  readonly #limits: ShardCacheLimits;
  /** Per shard, its index records by key, the least recently used first. */
  readonly #index = new Map<number, Map<string, KnownIndexRecord>>();
  readonly #stories = new Map<string, KnownStory>();
  /** Stories folded into another, each with the story it leads to: a redirect never changes, so it needs no checking. */
  readonly #redirects = new Map<string, string>();
  /** Per shard, the newest publication whose writes are accounted for; absent until its claim is seen. */
  readonly #through = new Map<number, number>();
  /** Per shard, the publications its claim showed last (the newest and the one before): they may still be being written. */
  readonly #pending = new Map<number, { keys: Set<string>; stories: Set<string> }>();
  /** Per shard, its newest publication as last seen, when it was not yet written. */
  readonly #unwritten = new Map<number, Announcement>();

  constructor(limits: Partial<ShardCacheLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * Accounts for a shard's claim as just read: takes the index records of its new publications
   * that are written whole (`written`, the claim's newest such) as the claim gives them, and
   * forgets the other records and every story they write. False when some of its publications
   * were never seen, or its claim is of a form that does not count them: then all of that
   * shard's records, and every story, are forgotten.
   */
  observe(shard: number, current: Announcement | undefined, prev: Announcement | undefined, written?: number): boolean {
    const gen = current?.gen ?? 0;
    const through = this.#through.get(shard);
    const pending = [current, prev].filter((one) => one !== undefined);
    this.#pending.set(shard, {
      keys: new Set(pending.flatMap((publication) => publication.keys)),
      stories: new Set(pending.flatMap((publication) => publication.stories)),
    });
    const late = this.#unwritten.get(shard);
    this.#unwritten.delete(shard);
    if (current && gen === 0) {
      this.#forget(shard);
      this.#through.delete(shard);
      return false;
    }
    if (through !== gen) {
      const unseen = through === undefined ? [] : gen < through ? undefined : newer(through, current, prev);
      this.#through.set(shard, gen);
      if (!unseen) {
        this.#forget(shard);
        return false;
      }
      // One seen before it was written and written since comes first: the new ones may rewrite its records.
      if (late && late.gen === written) this.#take(shard, late, true);
      for (const publication of unseen) this.#take(shard, publication, publication.gen === written);
    } else if (late && late.gen === written) {
      this.#take(shard, late, true);
    }
    // Not yet written (or never to be): its records are taken once its claim says it is.
    if (current && current.gen !== written) this.#unwritten.set(shard, current);
    return true;
  }

  /** Takes a publication's index records as it announced them when it is written whole; else forgets them, and its stories. */
  #take(shard: number, publication: Announcement, written: boolean): void {
    const whole = written && publication.entries.length === publication.keys.length;
    for (const [position, key] of publication.keys.entries()) {
      if (whole) this.#put(shard, key, lazyRecord(publication.entries[position], publication.gen));
      else this.#index.get(shard)?.delete(key);
    }
    for (const storyId of publication.stories) this.#stories.delete(storyId);
  }

  /** A shard's index record of a key, if it is known as it stands. */
  indexRecord(shard: number, key: string): KnownIndexRecord | undefined {
    return this.#index.get(shard)?.get(key);
  }

  /** Remembers an index record as read, unless a pending publication of its shard may rewrite it. */
  rememberRead(shard: number, key: string, record: KnownIndexRecord): void {
    if (!this.#through.has(shard)) return;
    if (this.#pending.get(shard)?.keys.has(key)) return;
    this.#put(shard, key, record);
  }

  /** Remembers an index record this shard wrote itself: it is the only writer of its own records. */
  rememberWritten(shard: number, key: string, record: KnownIndexRecord): void {
    this.#put(shard, key, record);
  }

  /** After this shard wrote publication `gen` (and none it announced before went unwritten but its last). */
  settle(shard: number, gen: number): void {
    this.#through.set(shard, gen);
  }

  story(id: string): KnownStory | undefined {
    const known = this.#stories.get(id);
    if (known) {
      this.#stories.delete(id);
      this.#stories.set(id, known);
    }
    return known;
  }

  /**
   * Remembers a story as read or written, unless a pending publication may rewrite it: any shard's
   * but `writer`'s (the shard that just wrote it itself).
   */
  rememberStory(known: KnownStory, writer?: number): void {
    for (const [shard, pending] of this.#pending) {
      if (shard !== writer && pending.stories.has(known.id)) return;
    }
    if (this.#through.size === 0 || this.#redirects.has(known.id)) return;
    this.#stories.delete(known.id);
    this.#stories.set(known.id, known);
    if (this.#stories.size > this.#limits.stories) this.#stories.delete(this.#stories.keys().next().value as string);
  }

  /** The story a story was folded into, if it is known to have been. */
  redirect(id: string): string | undefined {
    return this.#redirects.get(id);
  }

  /** Remembers that a story was folded into another: it is never read, or joined, as a story again. */
  rememberRedirect(id: string, into: string): void {
    this.#stories.delete(id);
    this.#redirects.delete(id);
    this.#redirects.set(id, into);
    if (this.#redirects.size > this.#limits.stories) {
      this.#redirects.delete(this.#redirects.keys().next().value as string);
    }
  }

  /**
   * Forgets a shard's index records and every story, keeping what is known of the other shards'
   * records and of redirects: after this shard's own writes were cut short, when nothing else failed.
   */
  forgetShard(shard: number): void {
    this.#forget(shard);
  }

  /** Forgets everything: after a failed batch, whose writes may be partly done. */
  clear(): void {
    this.#index.clear();
    this.#stories.clear();
    this.#redirects.clear();
    this.#through.clear();
    this.#pending.clear();
    this.#unwritten.clear();
  }

  #put(shard: number, key: string, record: KnownIndexRecord): void {
    let records = this.#index.get(shard);
    if (!records) {
      records = new Map();
      this.#index.set(shard, records);
    }
    records.delete(key);
    records.set(key, record);
    if (records.size > this.#limits.indexRecords) records.delete(records.keys().next().value as string);
  }

  #forget(shard: number): void {
    this.#index.delete(shard);
    this.#stories.clear();
  }
}

/** An index record as a claim announced it, decoded when first used: most are never looked up. */
function lazyRecord(text: string | undefined, stamp: number): KnownIndexRecord {
  let decoded: Entries | undefined;
  return {
    get entries() {
      decoded ??= decodeEntries(text);
      return decoded;
    },
    stamp,
  };
}

/** The publications after `through`, if the claim shows them all (its newest and the one before); else undefined. */
function newer(
  through: number,
  current: Announcement | undefined,
  prev: Announcement | undefined,
): Announcement[] | undefined {
  if (!current) return undefined;
  if (current.gen === through + 1) return [current];
  if (current.gen === through + 2 && prev?.gen === through + 1) return [prev, current];
  return undefined;
}
