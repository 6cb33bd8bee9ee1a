import {
  assess,
  type Fingerprint,
  foundStory,
  type Item,
  joinStory,
  MemoryStoryIndex,
  normaliseEntry,
  pickStory,
  placeReport,
  type Store,
  type Story,
  type Verdict,
} from "@treatywatch/core";
import type { GeneratedEntry } from "./generate.ts";

export interface Classified {
  item: Item;
  verdict: Verdict;
  print: Fingerprint;
}

/** Normalises and classifies entries as one feed's; keeps the relevant ones with their fingerprints. */
export function classifyEntries(entries: readonly GeneratedEntry[], fetchedAt: string): Classified[] {
  const classified: Classified[] = [];
  for (const entry of entries) {
    const item = normaliseEntry(entry, { feedId: "fd_bench", feedUrl: "https://news.example.org/feed", fetchedAt });
    if (!item) continue;
    const { verdict, fingerprint: print } = assess(item);
    if (verdict.relevant) classified.push({ item, verdict, print });
  }
  return classified;
}

/** Folds relevant entries into stories in memory, the way ingest does against a store. */
export function storiesOf(entries: readonly GeneratedEntry[], fetchedAt: string): Story[] {
  const index = new MemoryStoryIndex();
  const stories = new Map<string, Story>();
  for (const { item, verdict, print } of classifyEntries(entries, fetchedAt)) {
    const picked = pickStory(print, index.candidates(print));
    const matched = picked ? [picked.storyId, ...picked.bridges].map((id) => stories.get(id)) : [];
    const { story, absorbed } = placeReport(item, verdict, matched, fetchedAt);
    stories.set(story.id, story);
    index.add(story.id, print);
    for (const id of absorbed) {
      index.merge(story.id, id);
      stories.delete(id);
    }
  }
  return [...stories.values()];
}

/**
 * Folds relevant entries into one story per generated event (the reports the generator wrote of
 * it), as a clusterer that never errs would: stories of one to four reports, as the corpus means
 * them, whatever the story model makes of reports this alike.
 */
export function storiesByEvent(entries: readonly GeneratedEntry[], fetchedAt: string): Story[] {
  const eventOf = new Map(entries.map((entry) => [entry.guid, entry.link?.replace(/\/\d+$/, "") ?? entry.guid]));
  const stories = new Map<string, Story>();
  for (const { item, verdict } of classifyEntries(entries, fetchedAt)) {
    const event = eventOf.get(item.guid ?? "") ?? item.id;
    const current = stories.get(event);
    stories.set(
      event,
      current ? joinStory(current, item, verdict, fetchedAt).story : foundStory(item, verdict, fetchedAt),
    );
  }
  return [...stories.values()];
}

/**
 * Stores relevant entries as ingest does, each joining the story of its generated event (see
 * `storiesByEvent`): a store seeded with stories of the sizes the corpus means, for benchmarks of
 * what reads them.
 */
export async function storeByEvent(
  entries: readonly GeneratedEntry[],
  store: Store,
  fetchedAt: string,
): Promise<number> {
  const eventOf = new Map(entries.map((entry) => [entry.guid, entry.link?.replace(/\/\d+$/, "") ?? entry.guid]));
  const stories = new Map<string, Story>();
  for (const { item, verdict, print } of classifyEntries(entries, fetchedAt)) {
    const event = eventOf.get(item.guid ?? "") ?? item.id;
    const current = stories.get(event);
    const story = current ? joinStory(current, item, verdict, fetchedAt).story : foundStory(item, verdict, fetchedAt);
    stories.set(event, story);
    await store.saveIngest({ stored: { item, verdict, storyId: story.id }, story, fingerprint: print });
  }
  return stories.size;
}
