import {
  CANDIDATE_LIMIT,
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
  type Story,
  type StoryChange,
  type Verdict,
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

export function emptySummary(): IngestSummary {
  return { fresh: 0, duplicate: 0, relevant: 0, skipped: 0, events: [] };
}

/** An item normalised and classified, ready for story assignment: what a fetcher hands the single writer. */
export interface PreparedItem {
  item: Item;
  verdict: Verdict;
}

export interface PreparedEntries {
  items: PreparedItem[];
  /** Entries with neither a title nor text. */
  skipped: number;
}

/** The pure half of ingest: normalises and classifies one feed's entries, in order. Runs anywhere, in parallel. */
export function prepareEntries(entries: readonly RawEntry[], feed: FeedContext, fetchedAt: string): PreparedEntries {
  const items: PreparedItem[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const item = normaliseEntry(entry, { ...feed, fetchedAt });
    if (item) items.push({ item, verdict: classify(item) });
    else skipped++;
  }
  return { items, skipped };
}

async function ingestItem({ item, verdict }: PreparedItem, deps: IngestDeps, summary: IngestSummary): Promise<void> {
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
 * The story event an item's ingest sent, rebuilt from the store, for a redelivered message
 * whose first attempt stored the item but never sent the event. The story as it was before
 * the item is refolded from its earlier sources, so the change list is the one first computed;
 * undefined when the item founded or changed no story. Matching is keyed by story version,
 * so sending it again alerts nobody twice.
 */
export async function replayStoryEvent(
  itemId: string,
  store: Pick<Store, "getItem" | "getStory">,
): Promise<StoryEvent | undefined> {
  const stored = await store.getItem(itemId);
  const story = stored?.storyId ? await store.getStory(stored.storyId) : undefined;
  const position = story?.sources.findIndex((source) => source.itemId === itemId) ?? -1;
  if (!stored || !story || position < 0) return undefined;
  if (position === 0) return { kind: "created", storyId: story.id, version: story.version, changes: [] };
  const earlier = await Promise.all(story.sources.slice(0, position).map((source) => store.getItem(source.itemId)));
  let before: Story | undefined;
  for (const source of earlier) {
    if (!source) continue;
    before = before
      ? joinStory(before, source.item, source.verdict, story.updatedAt).story
      : foundStory(source.item, source.verdict, story.updatedAt);
  }
  if (!before) return undefined;
  const { changes } = joinStory(before, stored.item, stored.verdict, story.updatedAt);
  return changes.length > 0 ? { kind: "updated", storyId: story.id, version: story.version, changes } : undefined;
}

/**
 * The store half of ingest: de-duplicates prepared items and assigns each to a story, in
 * order. Story assignment reads then writes the index, so it must have a single writer:
 * callers run it one call at a time (in process: a serializer; on AWS: the ingest FIFO queue).
 */
export async function ingestItems(items: readonly PreparedItem[], deps: IngestDeps): Promise<IngestSummary> {
  const summary = emptySummary();
  const ingestAll = async () => {
    for (const prepared of items) await ingestItem(prepared, deps, summary);
    return summary;
  };
  return deps.store.batch ? deps.store.batch(ingestAll) : ingestAll();
}

/** Normalises, de-duplicates, classifies and clusters one feed's entries, in order (both halves, in process). */
export async function ingestEntries(
  entries: readonly RawEntry[],
  feed: FeedContext,
  deps: IngestDeps,
): Promise<IngestSummary> {
  const prepared = prepareEntries(entries, feed, deps.clock.now().toISOString());
  const summary = await ingestItems(prepared.items, deps);
  summary.skipped = prepared.skipped;
  return summary;
}
