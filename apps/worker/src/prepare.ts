import type { Item, RawEntry } from "@treatywatch/core";
// From their modules rather than the package's index: the fetch stage loads this file lazily,
// and the classifier with it, only for a feed with new entries.
import { assess } from "@treatywatch/core/classify";
import { oneLineReason } from "@treatywatch/core/feed-error";
import { normaliseEntry, sharedKeys } from "@treatywatch/core/normalise";
import type { EntriesRead, FeedContext, NormalisedEntries, PreparedEntries } from "./ingest.ts";

/*
 * The half of ingest that reads an item's text (language, words, concepts, verdict, fingerprint),
 * apart from the store half in ingest.ts: the fetch stage loads it only for a feed with new
 * entries, so a function that starts to find a feed unchanged never loads the classifier.
 */

/** Runs one step over a feed's entries, in order: an entry it throws on is counted, not allowed to lose the others. */
function readEach<T, R>(inputs: readonly T[], step: (input: T) => R | undefined): EntriesRead<R> {
  const read: EntriesRead<R> = { items: [], skipped: 0, failed: 0 };
  for (const input of inputs) {
    try {
      const output = step(input);
      if (output === undefined) read.skipped++;
      else read.items.push(output);
    } catch (error) {
      read.failed++;
      read.failure ??= oneLineReason(error);
    }
  }
  return read;
}

/**
 * One feed's entries as items, in order: their identity, links and text, but not yet read for
 * meaning. Cheap next to classifying, so the fetch stage makes every entry an item and asks the
 * store which it holds before reading any.
 */
export function normaliseEntries(
  entries: readonly RawEntry[],
  feed: FeedContext,
  fetchedAt: string,
): NormalisedEntries {
  const shared = sharedKeys(entries, feed.feedUrl);
  return readEach(entries, (entry) => normaliseEntry(entry, { ...feed, fetchedAt, shared }));
}

/** Classifies and fingerprints items, in order. */
export function assessItems(items: readonly Item[]): PreparedEntries {
  return readEach(items, (item) => ({ item, ...assess(item) }));
}

/**
 * The pure half of ingest: normalises and classifies one feed's entries, in order. Runs anywhere,
 * in parallel. An entry that makes either step throw is counted, not allowed to lose the others.
 */
export function prepareEntries(entries: readonly RawEntry[], feed: FeedContext, fetchedAt: string): PreparedEntries {
  const normalised = normaliseEntries(entries, feed, fetchedAt);
  const assessed = assessItems(normalised.items);
  return {
    items: assessed.items,
    skipped: normalised.skipped,
    failed: normalised.failed + assessed.failed,
    failure: normalised.failure ?? assessed.failure,
  };
}
