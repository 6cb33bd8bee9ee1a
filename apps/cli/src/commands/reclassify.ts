import { assess, type Clock, classifierVersion, type Store, type StoredItem } from "@treatywatch/core";
import { placedWrite, placeInStory } from "@treatywatch/worker";

export interface ReclassifySummary {
  /** Stored items looked at. */
  scanned: number;
  /** Items whose verdict came from another classifier version and was redone. */
  reclassified: number;
  becameRelevant: number;
  becameIrrelevant: number;
  /** Newly relevant items that founded or joined a story. */
  clustered: number;
}

const PAGE_SIZE = 500;

async function staleItems(store: Store): Promise<{ scanned: number; stale: StoredItem[] }> {
  const current = classifierVersion();
  const stale: StoredItem[] = [];
  let scanned = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listItems({ limit: PAGE_SIZE, cursor });
    scanned += page.data.length;
    for (const stored of page.data) if (stored.verdict.classifierVersion !== current) stale.push(stored);
    cursor = page.nextCursor;
  } while (cursor);
  // Oldest first, so stories are rebuilt in the order the items arrived.
  return { scanned, stale: stale.reverse() };
}

/**
 * Re-runs the classifier over stored items whose verdict came from another
 * classifier version. Items that become relevant are clustered as ingest would
 * (merging the stories one shows to be the same); items already in a story keep
 * it, with their new verdict.
 */
export async function reclassifyStore(store: Store, clock: Clock): Promise<ReclassifySummary> {
  const { scanned, stale } = await staleItems(store);
  const summary: ReclassifySummary = {
    scanned,
    reclassified: 0,
    becameRelevant: 0,
    becameIrrelevant: 0,
    clustered: 0,
  };
  for (const { item, verdict: old, storyId } of stale) {
    const { verdict, fingerprint: print } = assess(item);
    summary.reclassified++;
    if (verdict.relevant && !old.relevant) summary.becameRelevant++;
    if (!verdict.relevant && old.relevant) summary.becameIrrelevant++;
    if (!verdict.relevant || storyId) {
      await store.saveIngest({ stored: { item, verdict, storyId } });
      continue;
    }
    const prepared = { item, verdict, fingerprint: print };
    await store.saveIngest(placedWrite(prepared, await placeInStory(prepared, store, clock.now().toISOString())));
    summary.clustered++;
  }
  return summary;
}

export function formatReclassify(summary: ReclassifySummary): string {
  return (
    `${summary.scanned} items scanned, ${summary.reclassified} reclassified to ${classifierVersion()}: ` +
    `${summary.becameRelevant} now relevant, ${summary.becameIrrelevant} no longer relevant, ` +
    `${summary.clustered} clustered into stories\n`
  );
}
