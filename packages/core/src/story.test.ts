import { describe, expect, it } from "vitest";
import { classify } from "./classify.ts";
import { normaliseEntry } from "./normalise.ts";
import {
  foundStory,
  joinStory,
  MAX_MERGED_REPORTS,
  MAX_STORY_SOURCES,
  mayMerge,
  mayMergeStories,
  mergeStories,
  placementOf,
  placeReport,
  primaryLanguage,
  reportsBefore,
  storyGrowth,
} from "./story.ts";
import type { Item, Story, Verdict } from "./types.ts";

const NOW = "2026-11-28T12:00:00.000Z";
const verdict: Verdict = {
  relevant: true,
  score: 0.9,
  topics: ["treaty-status"],
  categories: ["politics"],
  countries: ["UA"],
  treaties: ["mine-ban"],
  why: [],
  classifierVersion: "test",
};

const wireReport = (n: number, outlet: string): Item => ({
  id: `itm_${outlet}_${n}`,
  feedId: `fd_${outlet}`,
  title: "Ukraine leaves the Ottawa Convention",
  summary: "",
  outlet,
  fetchedAt: NOW,
  contentHash: `h${n}`,
});

function storyOf(count: number, outlet: string): Story {
  let story = foundStory(wireReport(0, outlet), verdict, NOW);
  for (let n = 1; n < count; n++) story = joinStory(story, wireReport(n, outlet), verdict, NOW).story;
  return story;
}

describe("joinStory on a story with many reports", () => {
  it("lists at most MAX_STORY_SOURCES reports, however many items join", () => {
    const story = storyOf(1_000, "wire");

    expect(story.sources).toHaveLength(MAX_STORY_SOURCES);
    expect(story.sources[0]?.itemId).toBe("itm_wire_0");
  });

  it("still names a new outlet on a full list, in place of the latest report of the outlet listed most", () => {
    const full = storyOf(MAX_STORY_SOURCES, "wire");

    const { story, changes } = joinStory(full, wireReport(1, "herald"), verdict, NOW);

    expect(changes).toContainEqual({ kind: "new-outlet", outlet: "herald" });
    expect(story.sources).toHaveLength(MAX_STORY_SOURCES);
    expect(story.sources.at(-1)?.outlet).toBe("herald");
    expect(story.sources.map((source) => source.itemId)).not.toContain(`itm_wire_${MAX_STORY_SOURCES - 1}`);
    expect(story.version).toBe(full.version + 1);
  });

  it("leaves a full list as it is for one more report of a listed outlet", () => {
    const full = storyOf(MAX_STORY_SOURCES, "wire");

    const { story, changes } = joinStory(full, wireReport(500, "wire"), verdict, NOW);

    expect(story.sources).toEqual(full.sources);
    expect(changes).toEqual([]);
    expect(story.version).toBe(full.version);
  });
});

function report(n: number, title: string, fetchedAt: string, outlet: string, language?: string): Item {
  const item = normaliseEntry(
    { guid: `g-${n}`, title, link: `https://outlet${n}.example/${n}`, language },
    { feedId: `fd_${n}`, feedUrl: `https://outlet${n}.example/feed`, feedTitle: outlet, fetchedAt },
  );
  if (!item) throw new Error("did not normalise");
  return item;
}

describe("primaryLanguage", () => {
  it.each([
    ["en", "en"],
    ["en-GB", "en"],
    ["EN_us", "en"],
    ["uk-UA", "uk"],
    [" fr ", "fr"],
    ["english", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s gives %s", (tag, expected) => {
    expect(primaryLanguage(tag)).toBe(expected);
  });
});

describe("story languages", () => {
  it("gathers the primary language of every source that names one", () => {
    const first = report(1, "Finland leaves the Ottawa Convention on landmines", "2026-01-01T10:00:00Z", "A", "en-GB");
    const second = report(2, "Finland withdraws from the mine ban treaty", "2026-01-01T11:00:00Z", "B");
    const third = report(3, "Finland withdraws from the Ottawa treaty on landmines", "2026-01-01T12:00:00Z", "C", "fi");

    let story = foundStory(first, classify(first), first.fetchedAt);
    story = joinStory(story, second, classify(second), second.fetchedAt).story;
    story = joinStory(story, third, classify(third), third.fetchedAt).story;

    expect(story.languages).toEqual(["en", "fi"]);
  });
});

describe("storyGrowth", () => {
  it("replays reports in arrival order, with what each changed", () => {
    const founding = report(1, "Lithuania quits the Ottawa Convention on landmines", "2026-01-01T10:00:00Z", "North");
    const sameOutlet = report(2, "Lithuania quits the Ottawa Convention on landmines", "2026-01-01T11:00:00Z", "North");
    const widened = report(
      3,
      "Lithuania and Latvia leave the Ottawa Convention, 2 treaties on landmines",
      "2026-01-01T12:00:00Z",
      "South",
    );

    const steps = storyGrowth([widened, founding, sameOutlet].map((item) => ({ item, verdict: classify(item) })));

    expect(steps.map((step) => [step.outlet, step.founded])).toEqual([
      ["North", true],
      ["North", false],
      ["South", false],
    ]);
    expect(steps[0]?.changes).toEqual([]);
    expect(steps[1]?.changes).toEqual([]);
    expect(steps[2]?.changes).toContainEqual({ kind: "new-outlet", outlet: "South" });
    expect(steps[2]?.changes).toContainEqual({ kind: "new-country", country: "LV" });
  });

  it("is empty for no reports", () => {
    expect(storyGrowth([])).toEqual([]);
  });
});

describe("mergeStories", () => {
  const LATER = "2026-11-28T13:00:00.000Z";
  const english = foundStory(wireReport(0, "wire"), verdict, NOW);
  const ukrainian = foundStory(
    { ...wireReport(1, "ukrinform"), title: "Україна виходить з Оттавської конвенції: 3 області", language: "uk" },
    { ...verdict, countries: ["UA", "RU"], topics: ["treaty-status", "mine-use"] },
    LATER,
  );

  it("keeps the story first seen, whichever way round it is given, and names the other as absorbed", () => {
    for (const [a, b] of [
      [english, ukrainian],
      [ukrainian, english],
    ] as const) {
      const merged = mergeStories(a, b, LATER);
      expect(merged.story.id).toBe(english.id);
      expect(merged.story.title).toBe(english.title);
      expect(merged.story.firstSeenAt).toBe(NOW);
      expect(merged.absorbed).toBe(ukrainian.id);
    }
  });

  it("lists both stories' reports and reports what the kept one lacked as changes", () => {
    const merged = mergeStories(english, ukrainian, LATER);

    expect(merged.story.sources.map((source) => source.itemId)).toEqual(["itm_wire_0", "itm_ukrinform_1"]);
    expect(merged.story.countries).toEqual(["UA", "RU"]);
    expect(merged.story.languages).toEqual(["uk"]);
    expect(merged.story.version).toBe(english.version + 1);
    expect(merged.changes).toEqual([
      { kind: "new-outlet", outlet: "ukrinform" },
      { kind: "new-topic", topic: "mine-use" },
      { kind: "new-country", country: "RU" },
      { kind: "new-figures", figures: ["3"] },
    ]);
  });

  it("changes nothing material when the other story adds nothing new", () => {
    const copy = foundStory(wireReport(2, "wire"), verdict, LATER);
    const merged = mergeStories(english, copy, LATER);

    expect(merged.changes).toEqual([]);
    expect(merged.story.version).toBe(english.version);
    expect(merged.story.sources).toHaveLength(2);
  });
});

describe("mayMerge", () => {
  it("merges while the merged story, with the bridging report, holds at most MAX_MERGED_REPORTS", () => {
    const half = (MAX_MERGED_REPORTS - 1) / 2;
    expect(mayMerge({ reports: Math.floor(half), treaties: [] }, { reports: Math.ceil(half), treaties: [] })).toBe(
      true,
    );
    expect(mayMerge({ reports: MAX_MERGED_REPORTS - 1, treaties: [] }, { reports: 1, treaties: [] })).toBe(false);
  });

  it("never merges two stories that each name treaties and none in common", () => {
    expect(mayMerge({ reports: 1, treaties: ["mine-ban"] }, { reports: 1, treaties: ["ccm"] })).toBe(false);
    expect(mayMerge({ reports: 1, treaties: ["mine-ban", "ccm"] }, { reports: 1, treaties: ["ccm"] })).toBe(true);
    expect(mayMerge({ reports: 1, treaties: ["mine-ban"] }, { reports: 1, treaties: [] })).toBe(true);
  });

  it("holds placeReport back: a bridged story too large to merge is left as it is", () => {
    const big = storyOf(MAX_MERGED_REPORTS, "wire");
    const small = foundStory(wireReport(900, "other"), verdict, NOW);
    const placed = placeReport(wireReport(901, "third"), verdict, [small, big], NOW);

    expect(placed.absorbed).toEqual([]);
    expect(placed.story.id).toBe(small.id);
  });
});

describe("mayMergeStories", () => {
  it("always completes a merge begun and cut short: the kept story already lists the other's reports", () => {
    const other = storyOf(MAX_MERGED_REPORTS - 2, "other");
    const kept = mergeStories(storyOf(3, "kept"), other, NOW).story;

    expect(mayMergeStories(storyOf(3, "kept"), other)).toBe(false);
    expect(mayMergeStories(kept, other)).toBe(true);
  });
});

describe("placementOf: what placing a report a story lists already reported", () => {
  const founding = report(1, "Lithuania quits the Ottawa Convention on landmines", "2026-01-01T10:00:00Z", "North");
  const sameOutlet = report(2, "Lithuania quits the Ottawa Convention on landmines", "2026-01-01T11:00:00Z", "North");
  const widened = report(
    3,
    "Lithuania and Latvia leave the Ottawa Convention on landmines, 40 mines destroyed",
    "2026-01-01T12:00:00Z",
    "South",
  );
  const reports = [founding, sameOutlet, widened].map((item) => ({ item, verdict: classify(item) }));
  const [first, second, third] = reports as [
    (typeof reports)[number],
    (typeof reports)[number],
    (typeof reports)[number],
  ];
  const byId = new Map(reports.map((one) => [one.item.id, one]));
  let story = foundStory(first.item, first.verdict, NOW);
  story = joinStory(story, second.item, second.verdict, NOW).story;
  const joined = joinStory(story, third.item, third.verdict, NOW);
  story = joined.story;

  it("reports the story created by the report that founded it, and reads no report for it", () => {
    expect(reportsBefore(story, first.item.id)).toEqual([]);
    expect(placementOf(story, first, new Map())).toEqual({ kind: "created", changes: [] });
  });

  it("reports the changes a report brought, rebuilt from the reports listed before it", () => {
    expect(joined.changes).toContainEqual({ kind: "new-outlet", outlet: "South" });
    expect(reportsBefore(story, third.item.id)).toEqual([first.item.id, second.item.id]);

    expect(placementOf(story, third, byId)).toEqual({ kind: "updated", changes: joined.changes });
    expect(placementOf(story, second, byId)).toEqual({ kind: "updated", changes: [] });
  });

  it("passes over a report before it that is not at hand", () => {
    const withoutFounder = new Map([[second.item.id, second]]);

    expect(placementOf(story, third, withoutFounder)).toEqual({ kind: "updated", changes: joined.changes });
    expect(placementOf(story, third, new Map())).toEqual({ kind: "updated", changes: [] });
  });

  it("is undefined for a report the story does not list", () => {
    const other = report(4, "Lithuania quits the Ottawa Convention on landmines", "2026-01-01T13:00:00Z", "East");

    expect(reportsBefore(story, other.id)).toBeUndefined();
    expect(placementOf(story, { item: other, verdict: classify(other) }, byId)).toBeUndefined();
  });

  it("tells placeReport's caller when the story it joins lists the report already", () => {
    expect(placeReport(third.item, third.verdict, [story], NOW)).toMatchObject({
      kind: "updated",
      story,
      changes: [],
      listedBefore: true,
    });
    const later = report(5, "Lithuania quits the Ottawa Convention on landmines", "2026-01-01T14:00:00Z", "East");
    expect(placeReport(later, classify(later), [story], NOW).listedBefore).toBeUndefined();
  });
});
