import { describe, expect, it } from "vitest";
import { assess } from "./classify.ts";
import {
  DEFAULT_CLUSTER_OPTIONS,
  type Fingerprint,
  indexKeys,
  MemoryStoryIndex,
  nameKey,
  pairFeatures,
  pickStory,
  similarity,
} from "./cluster.ts";
import { MAX_MERGED_REPORTS } from "./story.ts";

const FETCHED_AT = "2025-07-01T00:00:00.000Z";

function printOf(title: string, publishedAt: string, summary = ""): Fingerprint {
  return assess({ title, summary, publishedAt, fetchedAt: FETCHED_AT }).fingerprint;
}

/** Clusters headlines in order through the in-memory index; returns a story number per headline. */
function clusterAll(reports: ReadonlyArray<readonly [string, string]>): number[] {
  const index = new MemoryStoryIndex();
  const ids: string[] = [];
  return reports.map(([title, at], position) => {
    const print = printOf(title, at);
    const storyId = pickStory(print, index.candidates(print))?.storyId ?? `story-${position}`;
    index.add(storyId, print);
    if (!ids.includes(storyId)) ids.push(storyId);
    return ids.indexOf(storyId);
  });
}

describe("story clustering", () => {
  it.each([
    [
      "reworded wire copies",
      [
        ["Lithuania's parliament approves exit from landmines treaty amid Russia threat", "2025-05-08T10:00:00Z"],
        ["Lithuanian parliament votes 107-0 to leave convention prohibiting landmines", "2025-05-08T13:00:00Z"],
        ["Seimas approves Lithuania's withdrawal from Ottawa mine ban treaty", "2025-05-08T15:00:00Z"],
      ],
    ],
    [
      "one event in three languages",
      [
        ["Ukraine moves to quit Ottawa Convention as Russia keeps mining the front", "2025-06-29T17:00:00Z"],
        ["L'Ukraine engage sa sortie de la convention d'Ottawa sur les mines antipersonnel", "2025-06-29T19:00:00Z"],
        ["Зеленський підписав указ про вихід України з Оттавської конвенції", "2025-06-29T20:00:00Z"],
      ],
    ],
    [
      "a machine-spun copy",
      [
        ["Ukraine exits global pact outlawing antipersonnel landmines amid Russian onslaught", "2025-06-30T03:00:00Z"],
        [
          "Ukraine leaves worldwide accord prohibiting anti-personnel landmines, citing Russian attacks",
          "2025-06-30T05:00:00Z",
        ],
      ],
    ],
  ] as const)("folds %s into one story", (_name, reports) => {
    expect(new Set(clusterAll(reports)).size).toBe(1);
  });

  it.each([
    [
      "different countries leaving the same treaty",
      [
        ["Polish parliament votes to leave anti-personnel mine treaty", "2025-06-25T19:00:00Z"],
        ["Estonia hands in Ottawa treaty withdrawal papers at the UN", "2025-06-27T13:00:00Z"],
      ],
    ],
    [
      "the same country and treaty at different stages",
      [
        ["Lithuania's parliament votes to leave the cluster munitions convention", "2024-07-18T11:00:00Z"],
        ["Lithuania's exit from the cluster munitions convention takes effect", "2025-03-07T09:00:00Z"],
      ],
    ],
    [
      "a look-alike and a real story",
      [
        ["Finland completes withdrawal from Ottawa Convention on landmines", "2026-01-10T09:00:00Z"],
        ["Ottawa city council approves budget after long debate", "2026-01-10T10:00:00Z"],
      ],
    ],
  ] as const)("keeps %s apart", (_name, reports) => {
    expect(new Set(clusterAll(reports)).size).toBe(reports.length);
  });

  it("never joins reports that name different treaties, however alike their words", () => {
    const ottawa = printOf(
      "Lithuania's parliament votes to leave the Ottawa mine ban convention",
      "2025-05-08T10:00:00Z",
    );
    const cluster = printOf(
      "Lithuania's parliament votes to leave the cluster munitions convention",
      "2025-05-08T11:00:00Z",
    );
    const again = printOf(
      "Lithuanian lawmakers vote to quit the Ottawa treaty banning landmines",
      "2025-05-08T12:00:00Z",
    );

    expect(ottawa.treaties).toEqual(["mine-ban"]);
    expect(cluster.treaties).toEqual(["ccm"]);
    expect(similarity(ottawa, cluster)).toBe(0);
    expect(similarity(ottawa, again)).toBeGreaterThan(DEFAULT_CLUSTER_OPTIONS.threshold);
    expect(pickStory(cluster, [{ storyId: "ottawa", fingerprints: [ottawa, again] }])).toBeUndefined();
  });

  it("never joins reports that differ in both their countries and their figures, however alike their words", () => {
    const armenia = printOf("Armenia destroys 167 stockpiled anti-personnel mines", "2025-05-08T10:00:00Z");
    const latvia = printOf("Latvia destroys 111 stockpiled anti-personnel mines", "2025-05-08T11:00:00Z");
    const again = printOf("Armenia has destroyed 167 stockpiled anti-personnel mines", "2025-05-08T12:00:00Z");
    const vague = printOf("Latvia destroys stockpiled anti-personnel mines", "2025-05-08T13:00:00Z");

    expect([armenia.countries, latvia.countries, armenia.figures, latvia.figures]).toEqual([
      ["AM"],
      ["LV"],
      ["167"],
      ["111"],
    ]);
    expect(similarity(armenia, latvia)).toBe(0);
    expect(pickStory(latvia, [{ storyId: "armenia", fingerprints: [armenia, again] }])).toBeUndefined();
    expect(similarity(armenia, again)).toBeGreaterThan(DEFAULT_CLUSTER_OPTIONS.threshold);
    // Countries alone that differ are left to the model: the attacker in one report, the place hit in another.
    expect(similarity(armenia, vague)).toBeGreaterThan(0);
  });

  it("reads figures written in words as the same figures written in digits, in each language", () => {
    const at = "2025-05-08T10:00:00Z";
    expect(printOf("Mindestens zehn Minenräumer bei Anschlag in Afghanistan getötet", at).figures).toEqual(["10"]);
    expect(printOf("Afghanistan : au moins 10 morts dans l'attaque contre des démineurs", at).figures).toEqual(["10"]);
    expect(printOf("Двое детей погибли при взрыве мины в Херсонской области", at).figures).toEqual(["2"]);
    expect(printOf("П’ятеро саперів поранено під час розмінування на Харківщині", at).figures).toEqual(["5"]);
    expect(printOf("Dos obreros mueren por la explosión de un obús de la guerra", at).figures).toEqual(["2"]);
    // A word is a number only in its own language: "once" is eleven in Spanish, not in English.
    expect(printOf("Once a minefield, now a farm: Cambodia clears its border villages", at).figures).toEqual([]);
    expect(printOf("Once niños heridos por una mina antipersonal en Colombia", at).figures).toEqual(["11"]);
    // Tens and units are one number; a number word in a date or before a scale is none.
    expect(printOf("Landmines wound twenty-five soldiers on the Thai border", at).figures).toEqual(["25"]);
    expect(printOf("Двадцять п'ять саперів загинули від початку року", at).figures).toEqual(["25"]);
    expect(printOf("Vingt-cinq démineurs formés depuis le 15 sept. à Kaboul", at).figures).toEqual(["15", "25"]);
    expect(printOf("Two million mines still buried across the country", at).figures).toEqual([]);
  });

  it("joins reports of one event whose figure one writes in words and one in digits", () => {
    const words = printOf("Landmines wound twenty-five Thai soldiers on the border", "2025-07-16T08:00:00Z");
    const digits = printOf("25 soldiers wounded by landmines along the Cambodian border", "2025-07-16T09:00:00Z");
    expect(similarity(words, digits)).toBeGreaterThan(0);
  });

  it("never joins reports further apart than the window", () => {
    const title = "Baltic states notify UN they are leaving landmine ban treaty";
    const first = printOf(title, "2025-06-27T10:00:00Z");
    const late = printOf(title, "2025-07-02T10:00:00Z");

    expect(similarity(first, printOf(title, "2025-06-27T18:00:00Z"))).toBeGreaterThan(
      DEFAULT_CLUSTER_OPTIONS.threshold,
    );
    expect(similarity(first, late)).toBe(0);
  });
});

describe("index keys", () => {
  it("files an item under bands of its stems and under what it names in any language", () => {
    const print = printOf("Latvia and Estonia leave the Ottawa Convention on landmines", "2025-06-27T10:00:00Z");

    const keys = indexKeys(print);

    expect(keys.filter((key) => /^b\d+:/.test(key))).toHaveLength(8);
    expect(keys).toEqual(expect.arrayContaining(["c:LV", "c:EE", "t:mine-ban", "a:withdraw|landmine"]));
  });

  it("gives reports of one event in two languages keys in common", () => {
    const english = printOf("Finland withdraws from the Ottawa Convention on landmines", "2026-01-10T09:00:00Z");
    const russian = printOf("Финляндия вышла из Оттавской конвенции о запрете мин", "2026-01-10T10:00:00Z");

    const shared = indexKeys(english).filter((key) => indexKeys(russian).includes(key));

    expect(shared).toEqual(expect.arrayContaining(["c:FI", "t:mine-ban"]));
  });
});

describe("names", () => {
  it.each([
    ["Magawa", "Магава"],
    ["Zelensky", "Зеленский"],
    ["Kostenko", "Костенко"],
  ])("%s and %s share a key", (latin, cyrillic) => {
    expect(nameKey(latin.toLowerCase())).toBe(nameKey(cyrillic.toLowerCase()));
  });

  it("compares names across scripts in the pair features", () => {
    const spanish = printOf("Muere Magawa, la rata que detectaba minas en Camboya", "2022-01-11T10:00:00Z");
    const russian = printOf("Умерла крыса Магава, искавшая мины в Камбодже", "2022-01-11T12:00:00Z");

    expect(pairFeatures(spanish, russian)).toEqual(
      expect.arrayContaining(["language:other", "names>=1", "countries>=1"]),
    );
  });
});

describe("stories bridged by a report that matches both", () => {
  const at = "2025-05-08T10:00:00Z";
  const first = printOf("Lithuania's parliament approves exit from landmines treaty amid Russia threat", at);
  const second = printOf("Lithuanian lawmakers vote to quit the Ottawa treaty banning landmines", at);
  const third = printOf("Lithuania's parliament votes to quit the Ottawa treaty on landmines", at);
  const stories = [
    { storyId: "a", fingerprints: [first] },
    { storyId: "b", fingerprints: [second] },
  ];

  it("names the other stories the report reaches the threshold with, apart from the one it joins", () => {
    expect(similarity(third, first)).toBeGreaterThan(DEFAULT_CLUSTER_OPTIONS.threshold);
    expect(similarity(third, second)).toBeGreaterThan(DEFAULT_CLUSTER_OPTIONS.threshold);
    const pick = pickStory(third, stories);

    expect(pick?.bridges).toHaveLength(1);
    expect([pick?.storyId, ...(pick?.bridges ?? [])].sort()).toEqual(["a", "b"]);
  });

  it("bridges only from the bridge threshold, and never to a story of another event", () => {
    const strict = { ...DEFAULT_CLUSTER_OPTIONS, bridgeThreshold: 0.999 };
    const cluster = printOf("Lithuania's parliament votes to leave the cluster munitions convention", at);

    expect(pickStory(third, stories, strict)?.bridges).toEqual([]);
    expect(pickStory(third, [...stories, { storyId: "ccm", fingerprints: [cluster] }])?.bridges).not.toContain("ccm");
  });

  it("points a merged story's keys at the story it joined, with both stories' reports", () => {
    const index = new MemoryStoryIndex();
    index.add("a", first);
    index.add("b", second);
    index.merge("a", "b");

    const candidates = index.candidates(third);
    expect(candidates.map((candidate) => candidate.storyId)).toEqual(["a"]);
    expect(candidates[0]?.fingerprints).toEqual([first, second]);
  });
});

describe("MemoryStoryIndex.place", () => {
  const at = "2025-05-08T10:00:00Z";
  const first = printOf("Lithuania's parliament approves exit from landmines treaty amid Russia threat", at);
  const second = printOf("Lithuanian lawmakers vote to quit the Ottawa treaty banning landmines", at);
  const third = printOf("Lithuania's parliament votes to quit the Ottawa treaty on landmines", at);

  it("folds the bridged story into the picked one while the merged story stays within MAX_MERGED_REPORTS", () => {
    const index = new MemoryStoryIndex();
    index.add("a", first);
    index.add("b", second);

    const placed = index.place(third, { storyId: "a", similarity: 0.9, bridges: ["b"] }, "new");

    expect(placed).toEqual({ storyId: "a", absorbed: ["b"] });
    expect(index.has("b")).toBe(false);
  });

  it("leaves a bridged story alone when the merged story would hold more", () => {
    const index = new MemoryStoryIndex();
    for (let n = 0; n < MAX_MERGED_REPORTS - 1; n++) index.add("a", first);
    index.add("b", second);

    const placed = index.place(third, { storyId: "a", similarity: 0.9, bridges: ["b"] }, "new");

    expect(placed).toEqual({ storyId: "a", absorbed: [] });
    expect(index.has("b")).toBe(true);
  });

  it("founds the story it is given when the report matched none", () => {
    const index = new MemoryStoryIndex();

    expect(index.place(first, undefined, "fresh")).toEqual({ storyId: "fresh", absorbed: [] });
    expect(index.has("fresh")).toBe(true);
  });
});
