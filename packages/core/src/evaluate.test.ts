import { describe, expect, it } from "vitest";
import { bcubed, evaluate, type LabelledItem, missedTargets, precisionRecall, setCounts } from "./evaluate.ts";

const NOW = "2026-11-28T12:00:00.000Z";

function labelled(id: string, title: string, label: Partial<LabelledItem["label"]> = {}): LabelledItem {
  return {
    id,
    title,
    published: "2026-11-20T10:00:00Z",
    label: { relevant: true, topics: [], story: id, ...label },
  };
}

describe("precisionRecall", () => {
  it.each([
    [{ truePositive: 8, falsePositive: 2, falseNegative: 0 }, 0.8, 1, 0.889],
    [{ truePositive: 0, falsePositive: 3, falseNegative: 3 }, 0, 0, 0],
    [{ truePositive: 0, falsePositive: 0, falseNegative: 0 }, 1, 1, 1],
  ])("%o gives P %d R %d F1 %d", (counts, precision, recall, f1) => {
    const score = precisionRecall(counts);

    expect(score.precision).toBeCloseTo(precision, 3);
    expect(score.recall).toBeCloseTo(recall, 3);
    expect(score.f1).toBeCloseTo(f1, 3);
  });
});

describe("setCounts", () => {
  it("counts shared, extra and missing labels", () => {
    expect(setCounts(["a", "b", "c"], ["b", "c", "d", "e"])).toEqual({
      truePositive: 2,
      falsePositive: 1,
      falseNegative: 2,
    });
  });
});

describe("bcubed", () => {
  const gold = ["x", "x", "x", "y"];

  it.each([
    ["a perfect clustering", ["1", "1", "1", "2"], 1, 1],
    ["all singletons", ["1", "2", "3", "4"], 1, (3 * (1 / 3) + 1) / 4],
    ["everything in one", ["1", "1", "1", "1"], (3 * (3 / 4) + 1 / 4) / 4, 1],
  ])("scores %s", (_name, predicted, precision, recall) => {
    const score = bcubed(predicted.map((value, index) => ({ predicted: value, gold: gold[index] ?? "" })));

    expect(score.precision).toBeCloseTo(precision, 6);
    expect(score.recall).toBeCloseTo(recall, 6);
  });
});

describe("evaluate", () => {
  it("scores relevance, topics and stories and lists what went wrong", () => {
    const items = [
      labelled("a", "Finland completes withdrawal from Ottawa Convention on anti-personnel mines", {
        topics: ["treaty-status"],
        story: "fi",
      }),
      labelled("b", "Senators beat Maple Leafs in Ottawa overtime thriller", { relevant: false, story: "nhl" }),
    ];

    const { report, outputs } = evaluate(items, NOW);

    expect(outputs.map((output) => output.id)).toEqual(["a", "b"]);
    expect(report.relevance.f1).toBe(1);
    expect(report.topics.truePositive).toBe(1);
    expect(report.stories.f1).toBe(1);
    expect(report.misses.relevance).toEqual([]);
  });

  it("misses the targets when a look-alike is called relevant", () => {
    const items = [labelled("a", "Senators beat Maple Leafs in Ottawa overtime thriller", { story: "nhl" })];

    const { report } = evaluate(items, NOW);

    expect(report.misses.relevance).toEqual(["a"]);
    expect(missedTargets(report)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^relevance F1 0\.000 < 0\.97$/)]),
    );
  });

  it("scores each language on its own and events told in several languages together", () => {
    const items: LabelledItem[] = [
      {
        ...labelled("en", "Finland withdraws from the Ottawa Convention on landmines", { story: "fi" }),
        language: "en",
      },
      { ...labelled("ru", "Финляндия вышла из Оттавской конвенции о запрете мин", { story: "fi" }), language: "ru" },
      { ...labelled("fr", "Le Cambodge déclare une nouvelle province sans mines", { story: "kh" }), language: "fr" },
    ];

    const { report } = evaluate(items, NOW);

    expect(Object.keys(report.byLanguage)).toEqual(["en", "fr", "ru"]);
    expect(report.byLanguage.ru?.items).toBe(1);
    // Only the Finnish event is told in two languages; its two reports found one story.
    expect(report.crossLanguageRecall).toBe(1);
  });
});
