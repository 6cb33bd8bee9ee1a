import type { Item, RawEntry } from "@treatywatch/core";
// From their modules rather than the package's index: the fetch stage loads this file lazily,
// and the classifier with it, only for a feed with new entries.
import { assess } from "@treatywatch/core/classify";
import { oneLineReason } from "@treatywatch/core/feed-error";
import { normaliseEntry, sharedKeys } from "@treatywatch/core/normalise";
import type { FeedContext, NormalisedEntries, PreparedEntries } from "./ingest.ts";

/*
 * The half of ingest that reads an item's text (language, words, concepts, verdict, fingerprint),
 * apart from the store half in ingest.ts: the fetch stage loads it only for a feed with new
 * entries, so a function that starts to find a feed unchanged never loads the classifier.
 */

/**
 * One feed's entries as items, in order: their identity, links and text, but not yet read for
 * meaning. Cheap next to classifying, so the fetch stage makes every entry an item and asks the
 * store which it holds before reading any. An entry that makes normalising throw is counted.
 */
export function normaliseEntries(
  entries: readonly RawEntry[],
  feed: FeedContext,
  fetchedAt: string,
): NormalisedEntries {
  const normalised: NormalisedEntries = { items: [], skipped: 0, failed: 0 };
  const shared = sharedKeys(entries, feed.feedUrl);
  for (const entry of entries) {
    try {
      const item = normaliseEntry(entry, { ...feed, fetchedAt, shared });
      if (item) normalised.items.push(item);
      else normalised.skipped++;
    } catch (error) {
      normalised.failed++;
      normalised.failure ??= oneLineReason(error);
    }
  }
  return normalised;
}

/** Classifies and fingerprints items, in order; an item that makes either throw is counted, not allowed to lose the others. */
export function assessItems(items: readonly Item[]): PreparedEntries {
  const prepared: PreparedEntries = { items: [], skipped: 0, failed: 0 };
  for (const item of items) {
    try {
      prepared.items.push({ item, ...assess(item) });
    } catch (error) {
      prepared.failed++;
      prepared.failure ??= oneLineReason(error);
    }
  }
  return prepared;
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
