import { describe, expect, it } from "vitest";
import { classify } from "./classify.ts";
import { normaliseEntry } from "./normalise.ts";
import { foundStory, joinStory, primaryLanguage, storyGrowth } from "./story.ts";
import type { Item } from "./types.ts";

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
