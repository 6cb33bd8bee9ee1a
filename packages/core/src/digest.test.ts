import { describe, expect, it } from "vitest";
import { composeDigest, type DigestInput } from "./digest.ts";
import { renderDigest } from "./render.ts";
import type { Story, StorySource } from "./types.ts";

const WINDOW = { windowStart: new Date("2026-03-01T06:00:00Z"), windowEnd: new Date("2026-03-02T06:00:00Z") };

function source(itemId: string, outlet: string, title: string, extra: Partial<StorySource> = {}): StorySource {
  return { itemId, outlet, title, feedId: `feed-${outlet}`, ...extra };
}

function story(id: string, overrides: Partial<Story> = {}): Story {
  return {
    id,
    title: `Story ${id}`,
    summary: "",
    firstSeenAt: "2026-03-01T10:00:00.000Z",
    updatedAt: "2026-03-01T10:00:00.000Z",
    version: 1,
    score: 0.7,
    topics: ["clearance"],
    categories: ["war-and-conflicts"],
    countries: ["KH"],
    treaties: [],
    sources: [source(`${id}-i1`, "Wire", `Headline ${id}`)],
    ...overrides,
  };
}

function input(stories: Story[], overrides: Partial<DigestInput> = {}): DigestInput {
  return { subscriptionId: "sub_1", period: "2026-03-02", ...WINDOW, filter: {}, stories, ...overrides };
}

const WITHDRAWAL = story("fi", {
  title: "Finland completes withdrawal from the Ottawa Convention",
  topics: ["treaty-status", "mine-use"],
  categories: ["politics", "war-and-conflicts"],
  countries: ["FI"],
  treaties: ["mine-ban"],
  score: 0.95,
  sources: [
    source("fi-1", "Northern Wire", "Finland leaves the mine ban treaty", {
      link: "https://wire.example/fi",
      publishedAt: "2026-03-01T07:10:00.000Z",
    }),
    source("fi-2", "Baltic Ledger", "Helsinki's treaty exit takes effect"),
    source("fi-3", "Meridian Dispatch", "Nordic mine treaty exit completed", {
      publishedAt: "2026-03-01T09:00:00.000Z",
    }),
  ],
});

const SUMMARIES = new Map([
  [
    "fi-1",
    "Finland's withdrawal from the Ottawa Convention took effect on Sunday. The government cited the security situation on its eastern border.",
  ],
  ["fi-2", "The withdrawal from the Ottawa Convention took effect on Sunday, six months after notice."],
  ["fi-3", "Campaigners said the decision weakens a treaty that has cut mine casualties worldwide."],
]);

describe("composeDigest", () => {
  it("keeps only stories updated in the window that pass the filter", () => {
    const stories = [
      story("in"),
      story("before", { updatedAt: "2026-03-01T05:59:59.000Z" }),
      story("at-end", { updatedAt: "2026-03-02T06:00:00.000Z" }),
      story("elsewhere", { countries: ["UA"] }),
    ];

    const digest = composeDigest(input(stories, { filter: { countries: ["KH"] } }));

    expect(digest?.sections.flatMap((section) => section.entries.map((entry) => entry.storyId))).toEqual(["in"]);
  });

  it("is undefined when nothing in the window matches", () => {
    expect(
      composeDigest(input([story("x", { countries: ["UA"] })], { filter: { countries: ["KH"] } })),
    ).toBeUndefined();
  });

  it("groups by topic in taxonomy order and ranks by score, outlets and recency", () => {
    const stories = [
      story("clear-low", { score: 0.5 }),
      story("clear-wide", {
        score: 0.5,
        sources: ["A", "B", "C", "D"].map((outlet, n) => source(`w${n}`, outlet, `Title ${outlet}`)),
      }),
      story("clear-late", { score: 0.5, updatedAt: "2026-03-02T05:00:00.000Z" }),
      WITHDRAWAL,
    ];

    const digest = composeDigest(input(stories));

    expect(digest?.sections.map((section) => [section.topic, section.entries.map((entry) => entry.storyId)])).toEqual([
      ["treaty-status", ["fi"]],
      ["clearance", ["clear-wide", "clear-late", "clear-low"]],
    ]);
  });

  it("summarises from the sources' sentences, citing every source that said each", () => {
    const digest = composeDigest(input([WITHDRAWAL], { itemSummaries: SUMMARIES, maxSentences: 2 }));
    const [entry] = digest?.sections[0]?.entries ?? [];

    expect(entry?.summary).toEqual([
      { text: "Finland's withdrawal from the Ottawa Convention took effect on Sunday.", citations: [1, 2] },
      expect.objectContaining({ citations: [expect.any(Number)] }),
    ]);
    expect(entry?.references.map((reference) => [reference.number, reference.outlet, reference.publishedAt])).toEqual([
      [1, "Northern Wire", "2026-03-01T07:10:00.000Z"],
      [2, "Baltic Ledger", undefined],
      [3, "Meridian Dispatch", "2026-03-01T09:00:00.000Z"],
    ]);
  });
});

describe("a digest over its subscription's limit", () => {
  const clearance = Array.from({ length: 30 }, (_, n) =>
    story(`clear-${String(n).padStart(2, "0")}`, { score: 0.9 - n / 100 }),
  );
  const casualties = [
    story("cas-1", { topics: ["casualties"], score: 0.3 }),
    story("cas-2", { topics: ["casualties"], score: 0.2 }),
  ];
  const stockpiles = story("stock-1", { topics: ["stockpile-transfer"], score: 0.1 });

  it("lists the limit, keeps every topic in, and counts the rest", () => {
    const digest = composeDigest(input([...clearance, ...casualties, stockpiles], { maxStories: 10 }));

    const listed = digest?.sections.flatMap((section) => section.entries.map((entry) => entry.storyId)) ?? [];
    expect(listed).toHaveLength(10);
    expect(digest?.sections.map((section) => section.topic)).toEqual(["casualties", "clearance", "stockpile-transfer"]);
    expect(listed).toContain("cas-1");
    expect(listed).toContain("stock-1");
    expect(listed).not.toContain("cas-2");
    expect(digest?.storyCount).toBe(10);
    expect(digest?.omitted).toBe(23);
  });

  it("says how many more there were, linking to them all, in text and HTML", () => {
    const digest = composeDigest(input([...clearance, ...casualties, stockpiles], { maxStories: 10 }));
    if (!digest) throw new Error("empty digest");

    const rendered = renderDigest(digest, {
      unsubscribeUrl: "https://alerts.example/u?t=1",
      moreUrl: "https://alerts.example/v1/subscriptions/sub_1/feed/atom",
    });

    expect(rendered.subject).toBe("treatywatch digest 2026-03-02: 33 stories");
    expect(rendered.text).toContain("…and 23 more stories: https://alerts.example/v1/subscriptions/sub_1/feed/atom");
    expect(rendered.html).toContain(
      '<a href="https://alerts.example/v1/subscriptions/sub_1/feed/atom">…and 23 more stories</a>',
    );
  });

  it("lists twenty by default and says nothing more when all fit", () => {
    const over = composeDigest(input(clearance));
    const under = composeDigest(input(clearance.slice(0, 5)));

    expect([over?.storyCount, over?.omitted]).toEqual([20, 10]);
    expect(under?.omitted).toBe(0);
    expect(under && renderDigest(under, { unsubscribeUrl: "https://alerts.example/u" }).text).not.toContain("more");
  });
});

describe("summaries of headline-only stories", () => {
  it("cite every outlet whose headline says the same thing", () => {
    const reported = story("ua", {
      sources: [
        source("ua-1", "Capital Examiner", "Ukraine begins withdrawal from Ottawa Convention on landmines"),
        source("ua-2", "Northern Wire", "Ukraine begins its withdrawal from the Ottawa Convention on landmines"),
        source("ua-3", "Meridian Dispatch", "Ukraine starts withdrawal from Ottawa Convention on landmines"),
        source("ua-4", "Borderlands Post", "Zelensky signs decree on leaving the mine ban treaty"),
      ],
    });

    const [entry] = composeDigest(input([reported]))?.sections[0]?.entries ?? [];

    expect(entry?.summary.map((sentence) => sentence.citations)).toEqual([[1, 2, 3], [4]]);
  });
});

describe("renderDigest", () => {
  const digest = composeDigest(input([WITHDRAWAL, story("kh")], { itemSummaries: SUMMARIES, maxSentences: 2 }));
  if (!digest) throw new Error("empty digest");
  const rendered = renderDigest(digest, { unsubscribeUrl: "https://alerts.example/u?t=1" });

  it("writes headline, cited summary, dated references and category labels in plain text", () => {
    expect(rendered.subject).toBe("treatywatch digest 2026-03-02: 2 stories");
    expect(rendered.text).toContain(
      "Finland completes withdrawal from the Ottawa Convention\nFinland's withdrawal from the Ottawa Convention took effect on Sunday[1][2].",
    );
    expect(rendered.text).toContain(
      [
        "References:",
        '[1] Northern Wire, "Finland leaves the mine ban treaty", 1 March 2026. https://wire.example/fi',
        '[2] Baltic Ledger, "Helsinki\'s treaty exit takes effect".',
        '[3] Meridian Dispatch, "Nordic mine treaty exit completed", 1 March 2026.',
      ].join("\n"),
    );
    expect(rendered.text).toContain("Categories: Politics; Conflict, war and peace");
    expect(rendered.text).toContain("Unsubscribe: https://alerts.example/u?t=1");
  });

  it("never shows a date a source did not carry", () => {
    const baltic = rendered.text.split("[2] Baltic Ledger")[1]?.split("[3]")[0] ?? "";

    expect(baltic).not.toMatch(/\d{4}/);
  });

  it("writes HTML without styles, escaping source text", () => {
    const hostile = composeDigest(
      input([
        story("x", {
          title: "<script>alert(1)</script>",
          sources: [source("x1", "A&B", "T", { link: "javascript:alert(1)" })],
        }),
      ]),
    );
    const html = hostile ? renderDigest(hostile, { unsubscribeUrl: "https://alerts.example/u" }).html : "";

    expect(rendered.html).toContain('<a href="https://wire.example/fi">Finland leaves the mine ban treaty</a>');
    expect(rendered.html).not.toContain("<style");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("A&amp;B");
    expect(html).not.toContain("javascript:");
  });
});
