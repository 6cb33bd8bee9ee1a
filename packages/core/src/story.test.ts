import { describe, expect, it } from "vitest";
import { foundStory, joinStory, MAX_STORY_SOURCES } from "./story.ts";
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

const report = (n: number, outlet: string): Item => ({
  id: `itm_${outlet}_${n}`,
  feedId: `fd_${outlet}`,
  title: "Ukraine leaves the Ottawa Convention",
  summary: "",
  outlet,
  fetchedAt: NOW,
  contentHash: `h${n}`,
});

function storyOf(count: number, outlet: string): Story {
  let story = foundStory(report(0, outlet), verdict, NOW);
  for (let n = 1; n < count; n++) story = joinStory(story, report(n, outlet), verdict, NOW).story;
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

    const { story, changes } = joinStory(full, report(1, "herald"), verdict, NOW);

    expect(changes).toContainEqual({ kind: "new-outlet", outlet: "herald" });
    expect(story.sources).toHaveLength(MAX_STORY_SOURCES);
    expect(story.sources.at(-1)?.outlet).toBe("herald");
    expect(story.sources.map((source) => source.itemId)).not.toContain(`itm_wire_${MAX_STORY_SOURCES - 1}`);
    expect(story.version).toBe(full.version + 1);
  });

  it("leaves a full list as it is for one more report of a listed outlet", () => {
    const full = storyOf(MAX_STORY_SOURCES, "wire");

    const { story, changes } = joinStory(full, report(500, "wire"), verdict, NOW);

    expect(story.sources).toEqual(full.sources);
    expect(changes).toEqual([]);
    expect(story.version).toBe(full.version);
  });
});
