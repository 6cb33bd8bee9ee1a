import {
  type Clock,
  classify,
  DEFAULT_CLUSTER_OPTIONS,
  fingerprint,
  foundStory,
  type Item,
  joinStory,
  lookupKeys,
  normaliseEntry,
  pickStory,
  type RawEntry,
  type Store,
  type StoryChange,
} from "@treatywatch/core";

export interface StoryEvent {
  kind: "created" | "updated";
  storyId: string;
  version: number;
  changes: StoryChange[];
}

export interface IngestSummary {
  /** Items seen for the first time. */
  fresh: number;
  /** Items already stored under their GUID, URL or content. */
  duplicate: number;
  relevant: number;
  /** Entries with neither a title nor text. */
  skipped: number;
  events: StoryEvent[];
}

export interface IngestDeps {
  store: Store;
  clock: Clock;
}

export interface FeedContext {
  feedId: string;
  feedUrl: string;
  feedTitle?: string | undefined;
}

/** How many stories sharing an index key are compared with a new item, at most. */
const CANDIDATE_LIMIT = 64;

export function emptySummary(): IngestSummary {
  return { fresh: 0, duplicate: 0, relevant: 0, skipped: 0, events: [] };
}

async function ingestItem(item: Item, deps: IngestDeps, summary: IngestSummary): Promise<void> {
  const { store } = deps;
  const now = deps.clock.now().toISOString();
  const existing = await store.findDuplicate(item);
  if (existing) {
    summary.duplicate++;
    const same = existing.item;
    if (same.id === item.id && (same.title !== item.title || same.summary !== item.summary)) {
      await store.updateItemText(same.id, item.title, item.summary);
    }
    return;
  }
  summary.fresh++;
  const verdict = classify(item);
  if (!verdict.relevant) {
    await store.saveIngest({ stored: { item, verdict } });
    return;
  }
  summary.relevant++;
  const print = fingerprint(item, verdict);
  const since = new Date(Date.parse(print.at) - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000).toISOString();
  const candidates = await store.storyCandidates(lookupKeys(print), since, CANDIDATE_LIMIT);
  const pick = pickStory(print, candidates);
  const current = pick && (await store.getStory(pick.storyId));
  if (current) {
    const { story, changes } = joinStory(current, item, verdict, now);
    await store.saveIngest({ stored: { item, verdict, storyId: story.id }, story, fingerprint: print });
    if (changes.length > 0)
      summary.events.push({ kind: "updated", storyId: story.id, version: story.version, changes });
  } else {
    const story = foundStory(item, verdict, now);
    await store.saveIngest({ stored: { item, verdict, storyId: story.id }, story, fingerprint: print });
    summary.events.push({ kind: "created", storyId: story.id, version: story.version, changes: [] });
  }
}

/**
 * Normalises, de-duplicates, classifies and clusters one feed's entries, in order.
 * Story assignment reads then writes the index, so callers run ingests one at a time.
 */
export async function ingestEntries(
  entries: readonly RawEntry[],
  feed: FeedContext,
  deps: IngestDeps,
): Promise<IngestSummary> {
  const summary = emptySummary();
  const fetchedAt = deps.clock.now().toISOString();
  for (const entry of entries) {
    const item = normaliseEntry(entry, { ...feed, fetchedAt });
    if (!item) {
      summary.skipped++;
      continue;
    }
    await ingestItem(item, deps, summary);
  }
  return summary;
}
