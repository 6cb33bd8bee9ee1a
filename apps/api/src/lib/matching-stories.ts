import { matchStoryFilter, parseKeywords, type Store, type Story, type SubscriptionFilter } from "@treatywatch/core";

const PAGE = 100;
/** How far back a filter preview looks. */
export const PREVIEW_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_SCANNED = 5000;

/** Stories updated since `since` that pass a filter, newest first, each with why it matched. */
export async function storiesMatching(
  store: Store,
  filter: SubscriptionFilter,
  since: string,
  max: number,
): Promise<Array<{ story: Story; reasons: string[] }>> {
  const parsed = filter.keywords === undefined ? undefined : parseKeywords(filter.keywords);
  const keywords = parsed?.ok ? parsed.expr : undefined;
  const found: Array<{ story: Story; reasons: string[] }> = [];
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await store.listStories({ limit: PAGE, cursor, since });
    for (const story of page.data) {
      const match = matchStoryFilter(story, filter, keywords);
      if (match.matched) found.push({ story, reasons: match.reasons });
    }
    scanned += page.data.length;
    cursor = page.nextCursor;
  } while (cursor && found.length < max && scanned < MAX_SCANNED);
  return found.slice(0, max);
}

/** A filter's preview: the stories of the last 30 days it matches, newest first, and the window's start. */
export async function previewFilter(
  store: Store,
  filter: SubscriptionFilter,
  now: Date,
  max: number,
): Promise<{ since: string; data: Array<{ story: Story; reasons: string[] }> }> {
  const since = new Date(now.getTime() - PREVIEW_WINDOW_MS).toISOString();
  return { since, data: await storiesMatching(store, filter, since, max) };
}
