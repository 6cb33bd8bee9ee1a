import {
  assess,
  type Feed,
  type Item,
  indexKeys,
  type Store,
  type StoredItem,
  type Story,
  type Topic,
  type TreatyId,
  type Verdict,
} from "@treatywatch/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredItemTexts } from "./stored-texts.ts";

const at = (minute: number) => new Date(Date.UTC(2025, 5, 27, 10, minute)).toISOString();

let sequence = 0;

function anItem(overrides: Partial<Item> = {}): Item {
  sequence++;
  return {
    id: `it_${sequence}`,
    feedId: "fd_contract",
    url: `https://outlet.example/news/${sequence}`,
    canonicalUrl: `https://outlet.example/news/${sequence}`,
    title: `Deminers clear a village field in Kharkiv region (${sequence})`,
    summary: "Teams surveyed farmland and removed anti-personnel mines.",
    outlet: "Outlet Example",
    fetchedAt: at(0),
    contentHash: `hash-${sequence}`,
    ...overrides,
  };
}

function aVerdict(overrides: Partial<Verdict> = {}): Verdict {
  return {
    relevant: true,
    score: 0.8,
    topics: ["clearance"],
    categories: ["war-and-conflicts"],
    countries: ["UA"],
    treaties: ["mine-ban"],
    why: [{ kind: "topic", target: "clearance", match: "deminers", weight: 1 }],
    classifierVersion: "contract",
    ...overrides,
  };
}

function aStory(item: Item, verdict: Verdict, updatedAt: string, overrides: Partial<Story> = {}): Story {
  return {
    id: `sty_${item.id}`,
    title: item.title,
    summary: item.summary,
    firstSeenAt: updatedAt,
    updatedAt,
    version: 1,
    score: verdict.score,
    topics: verdict.topics,
    categories: verdict.categories,
    countries: verdict.countries,
    treaties: verdict.treaties,
    sources: [{ itemId: item.id, outlet: item.outlet, title: item.title, link: item.url, feedId: item.feedId }],
    languages: item.language ? [item.language] : [],
    ...overrides,
  };
}

/** Saves one item as the founder of its own story; returns what was written. */
async function ingestStory(
  store: Store,
  options: { item?: Partial<Item>; verdict?: Partial<Verdict>; updatedAt?: string } = {},
): Promise<{ stored: StoredItem; story: Story }> {
  const item = anItem(options.item);
  const verdict = aVerdict(options.verdict);
  const story = aStory(item, verdict, options.updatedAt ?? item.fetchedAt);
  const stored = { item, verdict, storyId: story.id };
  await store.saveIngest({ stored, story, fingerprint: assess(item).fingerprint });
  return { stored, story };
}

/** Reads every page of a listing, so tests see what the cursors cover. */
async function allPages<T>(
  read: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor?: string | undefined }>,
) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.data);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

/** Saves an item into `survivor`, which absorbs the stories named: the write of a report that bridged them. */
async function bridge(store: Store, survivor: Story, absorbed: readonly Story[], minute: number): Promise<Story> {
  const item = anItem({ fetchedAt: at(minute) });
  const story: Story = {
    ...survivor,
    updatedAt: at(minute),
    version: survivor.version + 1,
    sources: [
      ...survivor.sources,
      ...absorbed.flatMap((other) => other.sources),
      ...aStory(item, aVerdict(), at(minute)).sources,
    ],
  };
  await store.saveIngest({
    stored: { item, verdict: aVerdict(), storyId: story.id },
    story,
    fingerprint: assess(item).fingerprint,
    absorbed: absorbed.map((other) => other.id),
  });
  return story;
}

/**
 * The behaviour every Store adapter owes its callers. Each adapter's test file
 * runs it with a factory that returns an empty store.
 */
export function storeContract(name: string, factory: () => Promise<Store & StoredItemTexts>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store & StoredItemTexts;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await store.close();
    });

    describe("feeds", () => {
      it("adds a feed once per URL and keeps the first one", async () => {
        const first = await store.addFeed("https://news.example/rss", at(0), "News Example");

        const again = await store.addFeed("https://news.example/rss", at(5), "Renamed");

        expect(first.created).toBe(true);
        expect(again.created).toBe(false);
        expect(again.feed).toEqual(first.feed);
        expect(await store.getFeed(first.feed.id)).toEqual(first.feed);
        expect(first.feed).toMatchObject({ url: "https://news.example/rss", addedAt: at(0), nextPollAt: at(0) });
      });

      it("lists feeds in the order they were added, then by URL", async () => {
        await store.addFeed("https://b.example/rss", at(1));
        await store.addFeed("https://z.example/rss", at(0));
        await store.addFeed("https://a.example/rss", at(1));

        const feeds = await store.listFeeds();

        expect(feeds.map((feed) => feed.url)).toEqual([
          "https://z.example/rss",
          "https://a.example/rss",
          "https://b.example/rss",
        ]);
      });

      it("removes a feed, and says so only the first time", async () => {
        const { feed } = await store.addFeed("https://news.example/rss", at(0));

        const removed = await store.removeFeed(feed.id);
        const removedAgain = await store.removeFeed(feed.id);

        expect([removed, removedAgain]).toEqual([true, false]);
        expect(await store.getFeed(feed.id)).toBeUndefined();
        expect(await store.listFeeds()).toEqual([]);
      });

      it("answers due feeds earliest first, up to the limit", async () => {
        const feeds: Feed[] = [];
        for (const [i, minute] of [30, 10, 20, 90].entries()) {
          const { feed } = await store.addFeed(`https://feed${i}.example/rss`, at(0));
          await store.recordFetch(feed.id, { nextPollAt: at(minute), at: at(0) });
          feeds.push(feed);
        }

        const due = await store.dueFeeds(at(30), 10);
        const firstTwo = await store.dueFeeds(at(30), 2);

        expect(due.map((feed) => feed.nextPollAt)).toEqual([at(10), at(20), at(30)]);
        expect(firstTwo.map((feed) => feed.url)).toEqual([feeds[1]?.url, feeds[2]?.url]);
      });

      describe("leases", () => {
        async function dueFeeds(count: number): Promise<Feed[]> {
          const feeds: Feed[] = [];
          for (let i = 0; i < count; i++) {
            const { feed } = await store.addFeed(`https://leased${i}.example/rss`, at(0));
            await store.recordFetch(feed.id, { nextPollAt: at(10 + i), at: at(0) });
            feeds.push(feed);
          }
          return feeds;
        }
        const ids = (feeds: readonly Feed[]) => feeds.map((feed) => feed.id).sort();

        it("leases due feeds until the lease ends, and they are not due meanwhile", async () => {
          const feeds = await dueFeeds(3);

          const leased = await store.leaseDueFeeds(at(30), 10, at(40));
          const duringLease = await store.leaseDueFeeds(at(35), 10, at(45));
          const afterLease = await store.leaseDueFeeds(at(40), 10, at(50));

          expect(ids(leased)).toEqual(ids(feeds));
          expect(leased.map((feed) => feed.nextPollAt)).toEqual([at(40), at(40), at(40)]);
          expect((await store.getFeed(feeds[0]?.id ?? ""))?.nextPollAt).toBe(at(50));
          expect(duringLease).toEqual([]);
          expect(await store.dueFeeds(at(35), 10)).toEqual([]);
          expect(ids(afterLease)).toEqual(ids(feeds));
        });

        it("leases up to the limit, earliest first, and leaves the rest due", async () => {
          const feeds = await dueFeeds(3);

          const leased = await store.leaseDueFeeds(at(30), 2, at(40));

          expect(leased.map((feed) => feed.id)).toEqual([feeds[0]?.id, feeds[1]?.id]);
          expect((await store.dueFeeds(at(30), 10)).map((feed) => feed.id)).toEqual([feeds[2]?.id]);
        });

        it("gives each feed to only one of two ticks leasing at once", async () => {
          const feeds = await dueFeeds(6);

          const [first, second] = await Promise.all([
            store.leaseDueFeeds(at(30), 10, at(40)),
            store.leaseDueFeeds(at(30), 10, at(41)),
          ]);

          expect(ids([...first, ...second])).toEqual(ids(feeds));
          for (const feed of [...first, ...second]) {
            expect((await store.getFeed(feed.id))?.nextPollAt).toBe(feed.nextPollAt);
          }
        });
      });

      it("records a successful fetch: validators, title, health", async () => {
        const { feed } = await store.addFeed("https://news.example/rss", at(0));

        const updated = await store.recordFetch(feed.id, {
          etag: '"v1"',
          lastModified: "Fri, 27 Jun 2025 10:00:00 GMT",
          title: "News Example",
          nextPollAt: at(15),
          at: at(1),
        });

        expect(updated).toMatchObject({
          etag: '"v1"',
          lastModified: "Fri, 27 Jun 2025 10:00:00 GMT",
          title: "News Example",
          nextPollAt: at(15),
          health: { lastSuccessAt: at(1), consecutiveFailures: 0 },
        });
        expect(await store.getFeed(feed.id)).toEqual(updated);
      });

      it("records failures: keeps validators, counts failures, keeps the last error", async () => {
        const { feed } = await store.addFeed("https://news.example/rss", at(0));
        await store.recordFetch(feed.id, { etag: '"v1"', nextPollAt: at(5), at: at(1) });
        const error = { kind: "timeout" as const, message: "no answer in 20 s" };

        await store.recordFetch(feed.id, { error, nextPollAt: at(10), at: at(6) });
        const updated = await store.recordFetch(feed.id, { error, nextPollAt: at(20), at: at(11) });

        expect(updated).toMatchObject({
          etag: '"v1"',
          nextPollAt: at(20),
          health: { lastSuccessAt: at(1), lastErrorAt: at(11), lastError: error, consecutiveFailures: 2 },
        });
      });

      it("keeps encoding damage and the deferred count in health until a later fetch changes them", async () => {
        const { feed } = await store.addFeed("https://news.example/rss", at(0));
        const damage = { kind: "encoding" as const, message: "2 invalid UTF-8 sequences replaced with U+FFFD" };

        await store.recordFetch(feed.id, { nextPollAt: at(5), at: at(1), damage, deferred: 40 });
        const clean = await store.recordFetch(feed.id, { nextPollAt: at(10), at: at(6) });
        const failed = await store.recordFetch(feed.id, {
          error: { kind: "internal", message: "TypeError: boom" },
          nextPollAt: at(20),
          at: at(11),
          deferred: 0,
        });

        expect(clean?.health).toMatchObject({ lastDamage: damage, lastDamageAt: at(1), deferred: 40 });
        expect(failed?.health).toMatchObject({ lastDamage: damage, lastDamageAt: at(1), deferred: 0 });
      });

      it("records nothing for a feed it does not have", async () => {
        expect(await store.recordFetch("fd_missing", { nextPollAt: at(1), at: at(0) })).toBeUndefined();
      });
    });

    describe("items", () => {
      it.each([
        ["id", (item: Item) => ({ id: item.id, contentHash: "other" })],
        ["canonical URL", (item: Item) => ({ id: "it_other", canonicalUrl: item.canonicalUrl, contentHash: "other" })],
        [
          "content hash",
          (item: Item) => ({ id: "it_other", canonicalUrl: "https://else.example/", contentHash: item.contentHash }),
        ],
      ])("finds a duplicate by %s", async (_, keysFor) => {
        const { stored } = await ingestStory(store);

        const duplicate = await store.findDuplicate(keysFor(stored.item));

        expect(duplicate).toEqual(stored);
      });

      it("never takes an entry with its own id for another entry of its feed, whatever its link or text", async () => {
        const { stored } = await ingestStory(store, { item: { feedId: "fd_podcast", guid: "episode-1" } });
        const sameFeed = { feedId: "fd_podcast", guid: "episode-2", id: "it_episode_2" };

        const byLink = await store.findDuplicate({
          ...sameFeed,
          canonicalUrl: stored.item.canonicalUrl,
          contentHash: "x",
        });
        const byText = await store.findDuplicate({ ...sameFeed, contentHash: stored.item.contentHash });
        const fromOtherFeed = await store.findDuplicate({
          id: "it_syndicated",
          feedId: "fd_other",
          guid: "other-1",
          canonicalUrl: stored.item.canonicalUrl,
          contentHash: "y",
        });

        expect(byLink).toBeUndefined();
        expect(byText).toBeUndefined();
        expect(fromOtherFeed).toEqual(stored);
      });

      it("finds no duplicate for new keys", async () => {
        await ingestStory(store);

        const duplicate = await store.findDuplicate({
          id: "it_new",
          canonicalUrl: "https://new.example/",
          contentHash: "new",
        });

        expect(duplicate).toBeUndefined();
      });

      it("keeps a feed's deferred items in order until they are dropped", async () => {
        const deferred = (item: Item) => ({ item, verdict: aVerdict(), fingerprint: assess(item).fingerprint });
        const items = Array.from({ length: 5 }, () => deferred(anItem({ feedId: "fd_big" })));
        await store.deferItems("fd_big", items.slice(0, 3));
        await store.deferItems("fd_big", items.slice(3));
        await store.deferItems("fd_other", [deferred(anItem({ feedId: "fd_other" }))]);

        const first = await store.deferredItems("fd_big", 2);
        await store.dropDeferred(
          "fd_big",
          first.items.map((deferred) => deferred.key),
        );
        const rest = await store.deferredItems("fd_big", 10);
        await store.dropDeferred(
          "fd_big",
          rest.items.map((deferred) => deferred.key),
        );

        expect(first.items.map(({ item }) => item.id)).toEqual(items.slice(0, 2).map(({ item }) => item.id));
        expect(first.more).toBe(true);
        expect(rest.items.map(({ item, verdict, fingerprint }) => ({ item, verdict, fingerprint }))).toEqual(
          items.slice(2),
        );
        expect(rest.more).toBe(false);
        expect(await store.deferredItems("fd_big", 10)).toEqual({ items: [], more: false });
        expect((await store.deferredItems("fd_other", 10)).items).toHaveLength(1);
      });

      it("updates an item's text and keeps its identity", async () => {
        const { stored } = await ingestStory(store);

        await store.updateItemText(stored.item.id, "Corrected headline", "Corrected summary.");

        const updated = await store.getItem(stored.item.id);
        expect(updated?.item).toEqual({ ...stored.item, title: "Corrected headline", summary: "Corrected summary." });
        expect(await store.findDuplicate({ id: "it_other", contentHash: stored.item.contentHash })).toEqual(updated);
      });

      it("says which of many item ids it holds, by id alone, each with its text as it stands", async () => {
        const { stored: founder } = await ingestStory(store);
        const unclustered = { item: anItem({ summary: "" }), verdict: aVerdict({ relevant: false }) };
        await store.saveIngest({ stored: unclustered });
        const { stored: edited } = await ingestStory(store);
        await store.updateItemText(edited.item.id, "Corrected headline", "Corrected summary.");
        // More ids than one batched read takes, most never stored; one shares a stored item's URL and text.
        const unknown = Array.from({ length: 250 }, (_, n) => `it_never_${n}`);
        const ids = [...unknown.slice(0, 120), founder.item.id, unclustered.item.id, ...unknown.slice(120)];

        const texts = await store.storedItemTexts([...ids, edited.item.id, founder.item.id, "it_other"]);

        expect(Object.fromEntries(texts)).toEqual({
          [founder.item.id]: { title: founder.item.title, summary: founder.item.summary },
          [unclustered.item.id]: { title: unclustered.item.title, summary: "" },
          [edited.item.id]: { title: "Corrected headline", summary: "Corrected summary." },
        });
        expect(await store.findDuplicate({ id: "it_other", contentHash: founder.item.contentHash })).toEqual(founder);
        expect((await store.storedItemTexts([])).size).toBe(0);
      });

      it("gives the stored items among many ids, each with its item and verdict, by id", async () => {
        const { stored: founder } = await ingestStory(store);
        const { stored: other } = await ingestStory(store, { verdict: { topics: ["stockpile-transfer"], score: 0.6 } });
        const unclustered = { item: anItem(), verdict: aVerdict({ relevant: false, topics: [] }) };
        await store.saveIngest({ stored: unclustered });
        // More ids than one batched read takes, most never stored, one asked for twice.
        const unknown = Array.from({ length: 150 }, (_, n) => `it_never_${n}`);
        const ids = [other.item.id, ...unknown.slice(0, 90), founder.item.id, ...unknown.slice(90)];

        const placed = await store.placedReports([...ids, unclustered.item.id, founder.item.id]);

        expect(Object.fromEntries(placed)).toEqual({
          [founder.item.id]: { item: founder.item, verdict: founder.verdict },
          [other.item.id]: { item: other.item, verdict: other.verdict },
          [unclustered.item.id]: unclustered,
        });
        expect((await store.placedReports([])).size).toBe(0);
      });

      it("lists items newest first with filters and cursor pages", async () => {
        const relevant = [];
        for (let minute = 0; minute < 5; minute++) {
          relevant.push((await ingestStory(store, { item: { fetchedAt: at(minute), feedId: "fd_a" } })).stored);
        }
        const offTopic = anItem({ fetchedAt: at(9), feedId: "fd_b" });
        await store.saveIngest({ stored: { item: offTopic, verdict: aVerdict({ relevant: false, topics: [] }) } });

        const pages = await allPages((cursor) => store.listItems({ limit: 2, cursor, relevant: true }));
        const byFeed = await store.listItems({ limit: 10, feedId: "fd_b" });
        const irrelevant = await store.listItems({ limit: 10, relevant: false });
        const byStory = await store.listItems({ limit: 10, storyId: relevant[2]?.storyId });

        expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
        expect(pages.flat().map((stored) => stored.item.id)).toEqual(relevant.map((s) => s.item.id).reverse());
        expect(byFeed.data.map((stored) => stored.item.id)).toEqual([offTopic.id]);
        expect(irrelevant.data.map((stored) => stored.item.id)).toEqual([offTopic.id]);
        expect(byStory.data).toEqual([relevant[2]]);
        expect(byStory.nextCursor).toBeUndefined();
      });
    });

    describe("stories", () => {
      it("saves a story with its item and answers both by id", async () => {
        const { stored, story } = await ingestStory(store);

        expect(await store.getStory(story.id)).toEqual(story);
        expect(await store.getItem(stored.item.id)).toEqual(stored);
        expect(await store.getStory("sty_missing")).toBeUndefined();
      });

      it("replaces a story when a later item updates it", async () => {
        const { story } = await ingestStory(store);
        const second = anItem({ fetchedAt: at(20) });
        const updated: Story = {
          ...story,
          updatedAt: at(20),
          version: 2,
          sources: [
            ...story.sources,
            { itemId: second.id, outlet: "Second Outlet", title: second.title, feedId: second.feedId },
          ],
        };

        await store.saveIngest({ stored: { item: second, verdict: aVerdict(), storyId: story.id }, story: updated });

        expect(await store.getStory(story.id)).toEqual(updated);
        expect((await store.listStories({ limit: 10 })).data).toEqual([updated]);
      });

      it("pages through stories newest update first, without gaps or repeats", async () => {
        const saved = [];
        for (let minute = 0; minute < 7; minute++)
          saved.push((await ingestStory(store, { updatedAt: at(minute) })).story);

        const pages = await allPages((cursor) => store.listStories({ limit: 3, cursor }));

        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(saved.reverse());
      });

      const filterCases: Array<
        [string, { topic?: Topic; country?: string; treaty?: TreatyId; language?: string; since?: string }, string[]]
      > = [
        ["topic", { topic: "cluster-munitions" }, ["oslo"]],
        ["country", { country: "LA" }, ["oslo"]],
        ["treaty", { treaty: "mine-ban" }, ["ottawa", "older"]],
        ["since", { since: at(10) }, ["oslo", "ottawa"]],
        ["treaty and since", { treaty: "mine-ban", since: at(10) }, ["ottawa"]],
        ["language", { language: "lo" }, ["oslo"]],
        ["language of a later source", { language: "fr" }, ["ottawa"]],
      ];

      it.each(filterCases)("filters stories by %s", async (_, filter, expected) => {
        const titles = new Map<string, string>();
        for (const [title, verdict, minute] of [
          ["older", aVerdict(), 5],
          ["ottawa", aVerdict(), 10],
          ["oslo", aVerdict({ topics: ["cluster-munitions"], countries: ["LA"], treaties: ["ccm"] }), 15],
        ] as const) {
          const language = title === "oslo" ? "lo" : "en";
          const { story } = await ingestStory(store, { item: { language }, verdict, updatedAt: at(minute) });
          titles.set(story.id, title);
          if (title === "ottawa") {
            const joined = { ...story, languages: ["en", "fr"] };
            await store.saveIngest({
              stored: { item: anItem({ language: "fr" }), verdict, storyId: story.id },
              story: joined,
            });
          }
        }

        const pages = await allPages((cursor) => store.listStories({ limit: 1, cursor, ...filter }));

        expect(pages.flat().map((story) => titles.get(story.id))).toEqual(expected);
      });
    });

    describe("story merges", () => {
      it("moves the absorbed story's items to the survivor, which lists them all", async () => {
        const kept = await ingestStory(store, { item: { fetchedAt: at(1) } });
        const absorbed = await ingestStory(store, { item: { fetchedAt: at(2) } });

        const survivor = await bridge(store, kept.story, [absorbed.story], 3);

        const items = await allPages((cursor) => store.listItems({ limit: 2, cursor, storyId: kept.story.id }));
        expect(items.flat().map((stored) => stored.item.id)).toEqual([
          survivor.sources[2]?.itemId,
          absorbed.stored.item.id,
          kept.stored.item.id,
        ]);
        expect((await store.getItem(absorbed.stored.item.id))?.storyId).toBe(kept.story.id);
        // The absorbed story's id lists the story it went into, as `getStory` answers it.
        expect((await store.listItems({ limit: 10, storyId: absorbed.story.id })).data).toEqual(
          (await store.listItems({ limit: 10, storyId: kept.story.id })).data,
        );
      });

      it("keeps an item saved again under the absorbed story's id with the survivor", async () => {
        const kept = await ingestStory(store, { item: { fetchedAt: at(1) } });
        const absorbed = await ingestStory(store, { item: { fetchedAt: at(2) } });
        await bridge(store, kept.story, [absorbed.story], 3);

        // A new verdict for an item read before the merge, as reclassify writes it.
        await store.saveIngest({ stored: { ...absorbed.stored, verdict: aVerdict({ score: 0.95 }) } });

        expect((await store.getItem(absorbed.stored.item.id))?.storyId).toBe(kept.story.id);
        const listed = await store.listItems({ limit: 10, storyId: kept.story.id });
        expect(listed.data.map((stored) => stored.item.id)).toContain(absorbed.stored.item.id);
      });

      it("answers the absorbed story's id with the survivor, and lists only the survivor", async () => {
        const other = await ingestStory(store, { item: { fetchedAt: at(0) } });
        const kept = await ingestStory(store, { item: { fetchedAt: at(1) } });
        const absorbed = await ingestStory(store, { item: { fetchedAt: at(2) } });

        const survivor = await bridge(store, kept.story, [absorbed.story], 3);

        expect(await store.getStory(absorbed.story.id)).toEqual(survivor);
        expect(await store.getStory(kept.story.id)).toEqual(survivor);
        const listed = await allPages((cursor) => store.listStories({ limit: 1, cursor }));
        expect(listed.flat()).toEqual([survivor, other.story]);
      });

      it("never names the absorbed story as a candidate again, and gives its members to the survivor", async () => {
        const kept = await ingestStory(store, { item: { fetchedAt: at(10) } });
        const absorbed = await ingestStory(store, { item: { fetchedAt: at(11) } });
        const keys = indexKeys(assess(absorbed.stored.item).fingerprint);
        const before = await store.storyCandidates(keys, at(0), 10);

        await bridge(store, kept.story, [absorbed.story], 12);

        const after = await store.storyCandidates(keys, at(0), 10);
        expect(before.map((candidate) => candidate.storyId)).toContain(absorbed.story.id);
        expect(after.map((candidate) => candidate.storyId)).toEqual([kept.story.id]);
        expect(after[0]?.fingerprints.map((print) => print.at)).toEqual([at(12), at(11), at(10)]);
      });

      it("follows merges in a chain: a story absorbed into one later absorbed leads to the last", async () => {
        const first = await ingestStory(store, { item: { fetchedAt: at(1) } });
        const middle = await ingestStory(store, { item: { fetchedAt: at(2) } });
        const last = await ingestStory(store, { item: { fetchedAt: at(3) } });

        const merged = await bridge(store, middle.story, [last.story], 4);
        const survivor = await bridge(store, first.story, [merged], 5);

        expect(await store.getStory(last.story.id)).toEqual(survivor);
        expect(await store.getStory(middle.story.id)).toEqual(survivor);
        expect((await store.getItem(last.stored.item.id))?.storyId).toBe(first.story.id);
        expect((await store.listStories({ limit: 10 })).data).toEqual([survivor]);
        const keys = indexKeys(assess(last.stored.item).fingerprint);
        expect((await store.storyCandidates(keys, at(0), 10)).map((candidate) => candidate.storyId)).toEqual([
          first.story.id,
        ]);
      });

      it("absorbs several stories in one write", async () => {
        const kept = await ingestStory(store, { item: { fetchedAt: at(1) } });
        const absorbed = [
          await ingestStory(store, { item: { fetchedAt: at(2) } }),
          await ingestStory(store, { item: { fetchedAt: at(3) } }),
        ];

        const survivor = await bridge(
          store,
          kept.story,
          absorbed.map((other) => other.story),
          4,
        );

        for (const { story, stored } of absorbed) {
          expect(await store.getStory(story.id)).toEqual(survivor);
          expect((await store.getItem(stored.item.id))?.storyId).toBe(kept.story.id);
        }
        expect((await store.listStories({ limit: 10 })).data).toEqual([survivor]);
      });
    });

    describe("story candidates", () => {
      it("finds a story by the index keys of its members, with their fingerprints", async () => {
        const { stored, story } = await ingestStory(store, { item: { fetchedAt: at(30) } });
        const print = assess(stored.item).fingerprint;

        const candidates = await store.storyCandidates(indexKeys(print), at(0), 10);

        expect(candidates).toEqual([{ storyId: story.id, fingerprints: [print] }]);
      });

      it("gives each candidate its eight newest members, newest first, whatever their number", async () => {
        const title = "Deminers clear a village field in Kharkiv region";
        const verdict = aVerdict();
        const expected: [string, string[]][] = [];
        for (const [start, members] of [
          [0, 10],
          [20, 2],
        ] as const) {
          const story = aStory(anItem({ title }), verdict, at(start));
          const minutes = Array.from({ length: members }, (_, index) => start + index + 1);
          for (const minute of minutes) {
            const item = anItem({ title, fetchedAt: at(minute) });
            await store.saveIngest({
              stored: { item, verdict, storyId: story.id },
              story,
              fingerprint: assess(item).fingerprint,
            });
          }
          expected.push([story.id, minutes.reverse().slice(0, 8).map(at)]);
        }
        const query = assess(anItem({ title, fetchedAt: at(30) })).fingerprint;

        const candidates = await store.storyCandidates(indexKeys(query), at(0), 10);

        const found = candidates.map(({ storyId, fingerprints }) => [storyId, fingerprints.map((print) => print.at)]);
        expect(found.sort()).toEqual(expected.sort());
      });

      it("ranks candidates by the keys they share with the query and keeps at most `limit`", async () => {
        const verdict = aVerdict();
        const alike = anItem({ title: "Deminers clear a village field in Kharkiv region", fetchedAt: at(10) });
        const unlike = anItem({ title: "Sappers survey farmland near Izium for mines", fetchedAt: at(11) });
        const ids: string[] = [];
        for (const item of [unlike, alike]) {
          const story = aStory(item, verdict, item.fetchedAt);
          await store.saveIngest({
            stored: { item, verdict, storyId: story.id },
            story,
            fingerprint: assess(item).fingerprint,
          });
          ids.push(story.id);
        }
        const query = assess(anItem({ title: alike.title, fetchedAt: at(30) })).fingerprint;

        const all = await store.storyCandidates(indexKeys(query), at(0), 10);
        const one = await store.storyCandidates(indexKeys(query), at(0), 1);

        expect(all.map((candidate) => candidate.storyId)).toEqual([ids[1], ids[0]]);
        expect(one.map((candidate) => candidate.storyId)).toEqual([ids[1]]);
      });

      it.each([
        ["keys seen before `since`", (keys: string[]) => [keys, at(31)] as const],
        ["keys it never indexed", () => [["b0:1.2", "b1:3.4"], at(0)] as const],
        ["no keys", () => [[], at(0)] as const],
      ])("finds nothing for %s", async (_, query) => {
        const { stored } = await ingestStory(store, { item: { fetchedAt: at(30) } });
        const [keys, since] = query(indexKeys(assess(stored.item).fingerprint));

        expect(await store.storyCandidates(keys, since, 10)).toEqual([]);
      });
    });
  });
}
