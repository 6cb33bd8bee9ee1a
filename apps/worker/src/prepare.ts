import type { RawEntry } from "@treatywatch/core";
// From their modules rather than the package's index: the fetch stage loads this file lazily,
// and the classifier with it, only for a feed with new entries.
import { assess } from "@treatywatch/core/classify";
import { oneLineReason } from "@treatywatch/core/feed-error";
import { normaliseEntry, sharedKeys } from "@treatywatch/core/normalise";
import type { FeedContext, PreparedEntries } from "./ingest.ts";

/*
 * The half of ingest that reads an item's text (language, words, concepts, verdict, fingerprint),
 * apart from the store half in ingest.ts: the fetch stage loads it only for a feed with new
 * entries, so a function that starts to find a feed unchanged never loads the classifier.
 */

/**
 * The pure half of ingest: normalises and classifies one feed's entries, in order. Runs anywhere,
 * in parallel. An entry that makes either step throw is counted, not allowed to lose the others.
 */
export function prepareEntries(entries: readonly RawEntry[], feed: FeedContext, fetchedAt: string): PreparedEntries {
  const prepared: PreparedEntries = { items: [], skipped: 0, failed: 0 };
  const shared = sharedKeys(entries, feed.feedUrl);
  for (const entry of entries) {
    try {
      const item = normaliseEntry(entry, { ...feed, fetchedAt, shared });
      if (item) prepared.items.push({ item, ...assess(item) });
      else prepared.skipped++;
    } catch (error) {
      prepared.failed++;
      prepared.failure ??= oneLineReason(error);
    }
  }
  return prepared;
}
