import { assess, type Clock, classifierVersion, classify, type Item, normaliseEntry } from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { ingestItems } from "@treatywatch/worker";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reclassifyStore } from "./reclassify.ts";

const NOW = "2025-07-01T12:00:00.000Z";
const clock: Clock = { now: () => new Date(NOW) };

function itemFor(guid: string, title: string): Item {
  const item = normaliseEntry(
    { guid, title, published: "2025-07-01T09:00:00Z" },
    { feedId: "feed-1", feedUrl: "https://news.example/feed.xml", fetchedAt: NOW },
  );
  if (!item) throw new Error("test item did not normalise");
  return item;
}

describe("reclassifyStore", () => {
  let store: SqliteStore;

  beforeEach(() => {
    store = new SqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("redoes verdicts from older classifier versions, clusters the newly relevant and leaves current ones", async () => {
    const missed = itemFor("g1", "Latvia notifies UN of its exit from the Ottawa Convention on anti-personnel mines");
    const lookAlike = itemFor("g2", "Budget vote becomes a political landmine for the coalition");
    const current = itemFor("g3", "Deminers clear unexploded ordnance near Kherson");
    const stale = { ...classify(missed), relevant: false, topics: [], classifierVersion: "0.0.1" };
    const staleLookAlike = { ...classify(lookAlike), relevant: true, classifierVersion: "0.0.1" };
    await store.saveIngest({ stored: { item: missed, verdict: stale } });
    await store.saveIngest({ stored: { item: lookAlike, verdict: staleLookAlike } });
    await store.saveIngest({ stored: { item: current, verdict: classify(current) } });

    const summary = await reclassifyStore(store, clock);

    expect(summary).toEqual({ scanned: 3, reclassified: 2, becameRelevant: 1, becameIrrelevant: 1, clustered: 1 });
    const redone = await store.getItem(missed.id);
    expect(redone?.verdict).toMatchObject({ relevant: true, classifierVersion: classifierVersion() });
    expect(redone?.verdict.treaties).toContain("mine-ban");
    expect(redone?.storyId).toBeDefined();
    expect((await store.getItem(lookAlike.id))?.verdict.relevant).toBe(false);
  });

  it("merges the stories a newly relevant item shows to be one, as ingest does", async () => {
    const english = itemFor("en", "Lithuania's parliament approves exit from landmines treaty amid Russia threat");
    const german = itemFor("de", "Litauen tritt aus der Ottawa-Konvention über Antipersonenminen aus");
    const russian = itemFor("ru", "Литва вышла из Оттавской конвенции о запрете противопехотных мин");
    await ingestItems(
      [english, german].map((item) => ({ item, ...assess(item) })),
      { store, clock },
    );
    const before = (await store.listStories({ limit: 10 })).data.map((story) => story.id);
    const missed = { ...classify(russian), relevant: false, classifierVersion: "0.0.1" };
    await store.saveIngest({ stored: { item: russian, verdict: missed } });

    await reclassifyStore(store, clock);

    const after = (await store.listStories({ limit: 10 })).data;
    expect(before).toHaveLength(2);
    expect(after).toHaveLength(1);
    const survivor = after[0]?.id;
    for (const item of [english, german, russian]) expect((await store.getItem(item.id))?.storyId).toBe(survivor);
    for (const id of before) expect((await store.getStory(id))?.id).toBe(survivor);
  });

  it("does nothing the second time", async () => {
    const item = itemFor("g1", "Finland completes withdrawal from the Ottawa Convention");
    await store.saveIngest({ stored: { item, verdict: { ...classify(item), classifierVersion: "0.0.1" } } });
    await reclassifyStore(store, clock);

    const again = await reclassifyStore(store, clock);

    expect(again.reclassified).toBe(0);
  });
});
