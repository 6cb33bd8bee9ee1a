import type { RawEntry } from "@treatywatch/core";
import { type FeedContext, type IngestDeps, type IngestSummary, ingestItems } from "./ingest.ts";
import { prepareEntries } from "./prepare.ts";

/** Normalises, de-duplicates, classifies and clusters one feed's entries, in order (both halves, in process). */
export async function ingestEntries(
  entries: readonly RawEntry[],
  feed: FeedContext,
  deps: IngestDeps,
): Promise<IngestSummary> {
  const prepared = prepareEntries(entries, feed, deps.clock.now().toISOString());
  const summary = await ingestItems(prepared.items, deps);
  summary.skipped = prepared.skipped;
  summary.failed = prepared.failed;
  summary.failure = prepared.failure;
  return summary;
}
