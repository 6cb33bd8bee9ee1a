import { matchStoryFilter, parseKeywords, type Store, type Story, type SubscriptionFilter } from "@treatywatch/core";

const PAGE = 100;
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
