import {
  classify,
  foundStory,
  type Item,
  joinStory,
  normaliseEntry,
  type Story,
  silentLogger,
} from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { createApp } from "../src/app.ts";

let sequence = 0;

export function anItem(overrides: Partial<Item> = {}): Item {
  sequence++;
  const item = normaliseEntry(
    {
      guid: `guid-${sequence}`,
      title: overrides.title ?? `Latvia deposits its withdrawal from the Ottawa Convention on landmines (${sequence})`,
      link: `https://outlet${sequence}.example/story-${sequence}`,
      published: "2025-06-27T09:00:00Z",
    },
    {
      feedId: "fd_test",
      feedUrl: "https://outlet.example/feed.xml",
      feedTitle: `Outlet ${sequence}`,
      fetchedAt: "2025-06-27T10:00:00Z",
    },
  );
  if (!item) throw new Error("factory item did not normalise");
  return { ...item, ...overrides };
}

/** A store holding `count` stories, one or two outlets each, updated a minute apart. */
export async function storeWithStories(count: number): Promise<{ store: SqliteStore; stories: Story[] }> {
  const store = new SqliteStore(":memory:");
  const stories: Story[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.UTC(2025, 5, 27, 10, i)).toISOString();
    const first = anItem();
    const verdict = classify(first);
    let story = foundStory(first, verdict, at);
    await store.saveIngest({ stored: { item: first, verdict, storyId: story.id }, story });
    if (i % 2 === 0) {
      const second = anItem();
      story = joinStory(story, second, classify(second), at).story;
      await store.saveIngest({ stored: { item: second, verdict: classify(second), storyId: story.id }, story });
    }
    stories.push(story);
  }
  return { store, stories };
}

export function appWith(store: SqliteStore) {
  return createApp({ store, logger: silentLogger });
}
