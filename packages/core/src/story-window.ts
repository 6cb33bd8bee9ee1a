import { type Fingerprint, lookupKeys, MEMBERS_COMPARED, type StoryCandidate } from "./cluster.ts";
import type { Timestamp } from "./types.ts";

/** One report of a story as the window holds it. */
export interface WindowMember {
  storyId: string;
  itemId: string;
  fingerprint: Fingerprint;
  /**
   * Order of writing (a store's row number): of two members reported at the same time, the
   * one written later counts as newer.
   */
  seq: number;
}

interface StoryMembers {
  /** The newest members, newest first (by time, then by order of writing). */
  newest: WindowMember[];
  /** Whether `newest` is known to be the story's newest members; otherwise the store is asked. */
  complete: boolean;
}

const newerThan = (a: WindowMember, b: WindowMember) =>
  a.fingerprint.at > b.fingerprint.at || (a.fingerprint.at === b.fingerprint.at && a.seq > b.seq);

/**
 * A story as the index's entries point at it, with room to count it during one lookup: a
 * lookup tallies each story it meets in place rather than in a map of its own.
 */
interface Tally {
  storyId: string;
  /** The lookup that last counted it. */
  lookup: number;
  /** Keys it shares with that lookup, and the latest time it was seen under them. */
  count: number;
  at: Time;
  /** The keys whose entries name it, so merging it away touches those alone. */
  keys: Set<string>;
}

/**
 * A time as the index compares it: milliseconds while every time it has met is in the form
 * `toISOString` writes (whose strings order as their times do), else the string itself, so
 * comparisons give what comparing the strings gives either way.
 */
type Time = number | Timestamp;

/** Milliseconds, when the string is exactly what `toISOString` writes for them. */
function canonicalTime(at: Timestamp): number | undefined {
  const time = Date.parse(at);
  return at.length === 24 && !Number.isNaN(time) && new Date(time).toISOString() === at ? time : undefined;
}

/** A story's place under one index key: the latest time it was seen under the key. */
interface Entry {
  tally: Tally;
  at: Time;
}

/**
 * The stories seen under one index key. Their entries are kept in order of time, oldest first,
 * so a lookup since a time reads only the entries from that time on: the clustering window is
 * a few days, and a common key (a country) has stories from long before it.
 */
interface KeyEntries {
  byTally: Map<Tally, Entry>;
  /** Entries by time, ties in order of arrival. */
  byTime: Entry[];
  /** The lookup that last read this key, so a key repeated in one lookup is read once. */
  lookup: number;
}

/** Where the first entry at or after `time` is (after it, with `after`); the length when none is. */
function firstAtOrAfter(entries: readonly Entry[], time: Time, after = false): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = (entries[middle] as Entry).at;
    if (at < time || (after && at === time)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Files an entry in time order, after those of the same time. */
function insertByTime(entries: Entry[], entry: Entry): void {
  const last = entries[entries.length - 1];
  // News mostly arrives in order of time, so an entry mostly goes last.
  if (last === undefined || !(entry.at < last.at)) entries.push(entry);
  else entries.splice(firstAtOrAfter(entries, entry.at, true), 0, entry);
}

/** Takes an entry out of the time order, found among those of its time. */
function removeByTime(entries: Entry[], entry: Entry): void {
  let position = firstAtOrAfter(entries, entry.at);
  while (position < entries.length && entries[position] !== entry) position++;
  if (position < entries.length) entries.splice(position, 1);
}

/** Whether `a` ranks before `b`: more keys shared, then seen more recently, then the lower id. */
const ranksBefore = (a: Tally, b: Tally) =>
  a.count !== b.count ? a.count > b.count : a.at !== b.at ? a.at > b.at : a.storyId < b.storyId;

/**
 * The near-duplicate index of the clustering window, in memory: for each index key, the stories
 * seen under it with the latest time each was; for each story, its newest members. It answers
 * the candidate lookup exactly as the store's tables did (stories sharing the most keys seen
 * since a time, then the most recent, then by id; each with its eight newest members, newest
 * first), so story assignment reads no index from disk and writes none: the store keeps the
 * members, and the window is built from them at start and kept current as items join.
 */
export class StoryWindow {
  readonly #byKey = new Map<string, KeyEntries>();
  /** Whether times are held as milliseconds (see `Time`). */
  #numeric = true;
  readonly #tallies = new Map<string, Tally>();
  readonly #stories = new Map<string, StoryMembers>();
  #lookups = 0;
  /** Index entries held, for a bound on memory. */
  #entries = 0;

  get entries(): number {
    return this.#entries;
  }

  /** Adds a member: its keys point at its story from its time on, and it joins the story's newest if it is among them. */
  add(member: WindowMember): void {
    const at = this.#timeOf(member.fingerprint.at);
    let tally = this.#tallies.get(member.storyId);
    if (!tally) {
      tally = { storyId: member.storyId, lookup: 0, count: 0, at, keys: new Set() };
      this.#tallies.set(member.storyId, tally);
    }
    for (const key of lookupKeys(member.fingerprint)) {
      let stories = this.#byKey.get(key);
      if (!stories) {
        stories = { byTally: new Map(), byTime: [], lookup: 0 };
        this.#byKey.set(key, stories);
      }
      const seen = stories.byTally.get(tally);
      if (seen === undefined) {
        this.#entries++;
        tally.keys.add(key);
        const entry: Entry = { tally, at };
        stories.byTally.set(tally, entry);
        insertByTime(stories.byTime, entry);
      } else if (at > seen.at) {
        // Seen again later: the entry moves to its new time.
        removeByTime(stories.byTime, seen);
        seen.at = at;
        insertByTime(stories.byTime, seen);
      }
    }
    const members = this.#stories.get(member.storyId);
    if (!members) {
      // Its earlier members are unknown here: the store is asked when it is first a candidate.
      this.#stories.set(member.storyId, { newest: [member], complete: false });
      return;
    }
    const replaced = members.newest.findIndex((known) => known.itemId === member.itemId);
    if (replaced >= 0) {
      members.newest.splice(replaced, 1);
      // The member that was ninth may now be eighth, and only the store knows it.
      if (members.newest.length === MEMBERS_COMPARED - 1) members.complete = false;
    }
    let position = members.newest.findIndex((known) => newerThan(member, known));
    if (position < 0) position = members.newest.length;
    if (position < MEMBERS_COMPARED) {
      members.newest.splice(position, 0, member);
      if (members.newest.length > MEMBERS_COMPARED) members.newest.pop();
    }
  }

  /** A story's newest members as the store lists them, newest first: they replace what the window held. */
  setNewest(storyId: string, newest: readonly WindowMember[]): void {
    this.#stories.set(storyId, { newest: [...newest].slice(0, MEMBERS_COMPARED), complete: true });
  }

  /**
   * Folds story `from` into `into`: every key that pointed at `from` points at `into`, with the
   * later time of the two, and `into`'s newest members are the newest of both. Lookups never
   * name `from` again.
   */
  merge(into: string, from: string): void {
    if (into === from) return;
    const gone = this.#tallies.get(from);
    if (gone) {
      let kept = this.#tallies.get(into);
      if (!kept) {
        kept = { storyId: into, lookup: 0, count: 0, at: gone.at, keys: new Set() };
        this.#tallies.set(into, kept);
      }
      for (const key of gone.keys) {
        const stories = this.#byKey.get(key);
        const entry = stories?.byTally.get(gone);
        if (!stories || entry === undefined) continue;
        stories.byTally.delete(gone);
        const seen = stories.byTally.get(kept);
        if (seen === undefined) {
          // The entry keeps its time, so its place: it names the survivor now.
          entry.tally = kept;
          stories.byTally.set(kept, entry);
          kept.keys.add(key);
        } else {
          this.#entries--;
          // The survivor keeps the later of the two entries.
          if (entry.at > seen.at) {
            removeByTime(stories.byTime, seen);
            entry.tally = kept;
            stories.byTally.set(kept, entry);
          } else removeByTime(stories.byTime, entry);
        }
      }
      this.#tallies.delete(from);
    }
    const absorbed = this.#stories.get(from);
    if (!absorbed) return;
    this.#stories.delete(from);
    const members = this.#stories.get(into);
    const repointed = absorbed.newest.map((member) => ({ ...member, storyId: into }));
    const both = [...(members?.newest ?? []), ...repointed].sort((a, b) => (newerThan(a, b) ? -1 : 1));
    this.#stories.set(into, {
      newest: both.slice(0, MEMBERS_COMPARED),
      // Both stories' newest are known only if each one's were.
      complete: (members?.complete ?? false) && absorbed.complete,
    });
  }

  /**
   * The `limit` stories sharing the most of `keys` seen at or after `since`, ties going to the
   * story seen under them most recently, then to the lower id. `newest` gives a story's newest
   * members when the window does not know them all.
   */
  rank(keys: readonly string[], sinceAt: Timestamp, limit: number): string[] {
    if (limit <= 0) return [];
    const since = this.#timeOf(sinceAt);
    const lookup = ++this.#lookups;
    const met: Tally[] = [];
    for (const key of keys) {
      const stories = this.#byKey.get(key);
      if (!stories || stories.lookup === lookup) continue;
      stories.lookup = lookup;
      const entries = stories.byTime;
      for (let position = firstAtOrAfter(entries, since); position < entries.length; position++) {
        const { tally, at } = entries[position] as Entry;
        if (tally.lookup !== lookup) {
          tally.lookup = lookup;
          tally.count = 1;
          tally.at = at;
          met.push(tally);
        } else {
          tally.count++;
          if (at > tally.at) tally.at = at;
        }
      }
    }
    // The first `limit` in rank order, kept in order as the stories met pass by: most pass the last kept.
    const best: Tally[] = [];
    for (const tally of met) {
      if (best.length === limit && !ranksBefore(tally, best[limit - 1] as Tally)) continue;
      let position = best.length;
      while (position > 0 && ranksBefore(tally, best[position - 1] as Tally)) position--;
      best.splice(position, 0, tally);
      if (best.length > limit) best.pop();
    }
    return best.map((tally) => tally.storyId);
  }

  /** Whether the window knows a story's newest members. */
  complete(storyId: string): boolean {
    return this.#stories.get(storyId)?.complete ?? false;
  }

  /** The candidates for ranked stories, each with its newest members' fingerprints, newest first. */
  candidates(storyIds: readonly string[]): StoryCandidate[] {
    return storyIds.map((storyId) => ({
      storyId,
      fingerprints: (this.#stories.get(storyId)?.newest ?? []).map((member) => member.fingerprint),
    }));
  }

  /**
   * Forgets index entries last seen before `cutoff`, and the members of stories no entry names
   * any more: lookups from `cutoff` on are answered as before.
   */
  evictBefore(cutoffAt: Timestamp): void {
    const cutoff = this.#timeOf(cutoffAt);
    const named = new Set<string>();
    for (const [key, stories] of this.#byKey) {
      const entries = stories.byTime;
      const kept = firstAtOrAfter(entries, cutoff);
      for (let position = 0; position < kept; position++) {
        const entry = entries[position] as Entry;
        stories.byTally.delete(entry.tally);
        entry.tally.keys.delete(key);
        this.#entries--;
      }
      if (kept > 0) stories.byTime = entries.slice(kept);
      for (const entry of stories.byTime) named.add(entry.tally.storyId);
      if (stories.byTally.size === 0) this.#byKey.delete(key);
    }
    for (const storyId of this.#stories.keys()) if (!named.has(storyId)) this.#stories.delete(storyId);
    for (const storyId of this.#tallies.keys()) if (!named.has(storyId)) this.#tallies.delete(storyId);
  }

  /** A time as the index holds it; the first time not in `toISOString`'s form turns every held time back to its string. */
  #timeOf(at: Timestamp): Time {
    if (!this.#numeric) return at;
    const time = canonicalTime(at);
    if (time !== undefined) return time;
    this.#numeric = false;
    // Every held time is in `toISOString`'s form, whose strings order as their times: each key's order stands.
    for (const stories of this.#byKey.values()) {
      for (const entry of stories.byTime) entry.at = new Date(entry.at).toISOString();
    }
    return at;
  }
}
