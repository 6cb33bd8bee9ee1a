import {
  assess,
  type Clock,
  DEFAULT_CLUSTER_OPTIONS,
  foundStory,
  type IngestWrite,
  lookupKeys,
  normaliseEntry,
  type Store,
  type Story,
  stableId,
} from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { coalesceStoryEvents, ingestItems, type PreparedItem, placeInStory, replayStoryEvent } from "./ingest.ts";

const PUBLISHED = "2025-05-30T10:00:00Z";

/** One outlet's report, prepared as the fetch stage hands it to ingest. */
function report(outlet: string, title: string, fetchedAt: string): PreparedItem {
  const item = normaliseEntry(
    { guid: `${outlet}-1`, title, link: `https://${outlet}.example/1`, published: PUBLISHED, outlet },
    { feedId: `fd_${outlet}`, feedUrl: `https://${outlet}.example/feed.xml`, fetchedAt },
  );
  if (!item) throw new Error("the report did not normalise");
  return { item, ...assess(item) };
}

// The same event in three languages: English and German alone stay apart, and the Russian
// report matches both.
const english = report(
  "wire",
  "Lithuania's parliament approves exit from landmines treaty amid Russia threat",
  "2025-05-30T10:05:00.000Z",
);
const german = report(
  "tagesblatt",
  "Litauen tritt aus der Ottawa-Konvention über Antipersonenminen aus",
  "2025-05-30T10:10:00.000Z",
);
const russian = report(
  "vesti",
  "Литва вышла из Оттавской конвенции о запрете противопехотных мин",
  "2025-05-30T10:15:00.000Z",
);

describe("ingest of a report that shows two stories to be one", () => {
  let store: SqliteStore;
  let now: Date;
  const clock: Clock = { now: () => now };
  const ingestAt = (prepared: PreparedItem) => {
    now = new Date(prepared.item.fetchedAt);
    return ingestItems([prepared], { store, clock });
  };
  const storyIds = async () => (await store.listStories({ limit: 10 })).data.map((story) => story.id);

  beforeEach(() => {
    store = new SqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("merges them into the story first seen, with every report under it and one event for it", async () => {
    const first = await ingestAt(english);
    const second = await ingestAt(german);
    const kept = first.events[0]?.storyId as string;
    const absorbed = second.events[0]?.storyId as string;
    expect(second.events[0]?.kind).toBe("created");
    expect(absorbed).not.toBe(kept);

    const writes: IngestWrite[] = [];
    const saveIngest = store.saveIngest.bind(store);
    store.saveIngest = async (write) => {
      writes.push(write);
      return saveIngest(write);
    };

    const third = await ingestAt(russian);

    expect(writes.map((write) => [write.stored.item.id, write.story?.id, write.absorbed])).toEqual([
      [russian.item.id, kept, [absorbed]],
    ]);
    expect(await storyIds()).toEqual([kept]);
    const survivor = (await store.getStory(kept)) as Story;
    expect(survivor.sources.map((source) => source.itemId)).toEqual([english.item.id, german.item.id, russian.item.id]);
    expect([...(survivor.languages ?? [])].sort()).toEqual(["de", "en", "ru"]);
    expect(third.events).toHaveLength(1);
    expect(third.events[0]).toMatchObject({ kind: "updated", storyId: kept, version: survivor.version });
    const changes = third.events[0]?.changes ?? [];
    expect(changes).toContainEqual({ kind: "new-outlet", outlet: "tagesblatt" });
    expect(changes).toContainEqual({ kind: "new-outlet", outlet: "vesti" });
    expect(new Set(changes.map((change) => JSON.stringify(change))).size).toBe(changes.length);
    const items = await store.listItems({ limit: 10, storyId: kept });
    expect(items.data.map((stored) => stored.item.id).sort()).toEqual(
      [english.item.id, german.item.id, russian.item.id].sort(),
    );
    expect((await store.getStory(absorbed))?.id).toBe(kept);
  });

  it("never offers the absorbed story again: a later report in its language joins the survivor", async () => {
    await ingestAt(english);
    await ingestAt(german);
    await ingestAt(russian);
    const since = new Date(Date.parse(german.fingerprint.at) - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000);
    const offered = await store.storyCandidates(lookupKeys(german.fingerprint), since.toISOString(), 10);
    const later = report(
      "zeitung",
      "Litauen verlässt das Ottawa-Abkommen über Antipersonenminen",
      "2025-05-30T11:00:00.000Z",
    );

    const summary = await ingestAt(later);

    const [kept] = await storyIds();
    expect(offered.map((candidate) => candidate.storyId)).toEqual([kept]);
    expect(await storyIds()).toEqual([kept]);
    expect((await store.getItem(later.item.id))?.storyId).toBe(kept);
    expect(summary.events.map((event) => event.storyId)).toEqual([kept]);
  });

  it("announces a story merged in the tick it began in by the survivor's event alone", async () => {
    await ingestAt(english);
    now = new Date(russian.item.fetchedAt);

    const tick = await ingestItems([german, russian], { store, clock });

    const [kept] = await storyIds();
    expect(tick.events.map((event) => [event.kind, event.storyId])).toEqual([
      ["created", stableId("sty", german.item.id)],
      ["updated", kept],
    ]);
    expect(coalesceStoryEvents(tick.events).map((event) => [event.kind, event.storyId])).toEqual([["updated", kept]]);
  });

  it("replays the survivor's event for a report whose story was merged, and for the report that merged it", async () => {
    await ingestAt(english);
    await ingestAt(german);
    const merged = await ingestAt(russian);
    const [kept] = await storyIds();
    const survivor = (await store.getStory(kept as string)) as Story;

    const absorbedReport = await replayStoryEvent(german.item.id, store);
    const bridgingReport = await replayStoryEvent(russian.item.id, store);

    expect(absorbedReport).toMatchObject({ kind: "updated", storyId: kept, version: survivor.version });
    expect(absorbedReport?.changes).toContainEqual({ kind: "new-outlet", outlet: "tagesblatt" });
    expect(bridgingReport).toMatchObject({ kind: "updated", storyId: kept, version: survivor.version });
    expect(merged.events[0]?.changes).toEqual(expect.arrayContaining(bridgingReport?.changes ?? []));
  });
});

describe("placeInStory", () => {
  const NOW = "2025-05-30T12:00:00.000Z";
  const at = "2025-05-30T10:00:00Z";
  const item = (id: string, title: string) => {
    const normalised = normaliseEntry(
      { guid: id, title, link: `https://wire.example/${id}`, published: at },
      { feedId: "fd_wire", feedUrl: "https://wire.example/feed.xml", fetchedAt: at },
    );
    if (!normalised) throw new Error("the report did not normalise");
    return { item: normalised, ...assess(normalised) };
  };
  const first = item("a", "Lithuania's parliament approves exit from landmines treaty amid Russia threat");
  const second = item("b", "Lithuanian lawmakers vote to quit the Ottawa treaty banning landmines");
  const third = item("c", "Lithuania's parliament votes to quit the Ottawa treaty on landmines");
  const storyA = foundStory(first.item, first.verdict, "2025-05-30T10:01:00.000Z");
  const storyB = foundStory(second.item, second.verdict, "2025-05-30T10:02:00.000Z");
  /** A store whose window offers both stories and whose ids lead where `stories` says. */
  const storeOf = (stories: Record<string, Story | undefined>): Pick<Store, "storyCandidates" | "getStory"> => ({
    storyCandidates: async () => [
      { storyId: storyA.id, fingerprints: [first.fingerprint] },
      { storyId: storyB.id, fingerprints: [second.fingerprint] },
    ],
    getStory: async (id) => stories[id],
  });

  it("folds the stories the item bridges into the one first seen, then joins it", async () => {
    const placed = await placeInStory(third, storeOf({ [storyA.id]: storyA, [storyB.id]: storyB }), NOW);

    expect(placed.kind).toBe("updated");
    expect(placed.story.id).toBe(storyA.id);
    expect(placed.absorbed).toEqual([storyB.id]);
    expect(placed.story.sources.map((source) => source.itemId)).toEqual([first.item.id, second.item.id, third.item.id]);
  });

  it("merges nothing when a bridged story already leads to the story at hand, or is gone", async () => {
    for (const other of [storyA, undefined]) {
      const placed = await placeInStory(third, storeOf({ [storyA.id]: storyA, [storyB.id]: other }), NOW);

      expect(placed.absorbed).toEqual([]);
      expect(placed.story.id).toBe(storyA.id);
      expect(placed.story.sources.map((source) => source.itemId)).toEqual([first.item.id, third.item.id]);
    }
  });
});
