import { describe, expect, it } from "vitest";
import { parseKeywords } from "./keywords.ts";
import { buildMatchIndex, describeStoryChanges, necessaryWords } from "./match.ts";
import type { Subscription, SubscriptionFilter } from "./subscription.ts";
import { matchStoryFilter } from "./subscription-filter.ts";
import { CATEGORIES, type Category, TOPICS, TREATY_IDS } from "./taxonomy.ts";
import type { Story } from "./types.ts";

/** Small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const some = <T>(values: readonly T[], max: number): T[] => {
    const count = Math.floor(next() * (max + 1));
    return [...new Set(Array.from({ length: count }, () => pick(values)))];
  };
  return { next, pick, some };
}

const COUNTRIES = ["UA", "RU", "FI", "LT", "PL", "KH", "MM", "US", "LA", "SY"];
const CATEGORY_IDS = Object.keys(CATEGORIES) as Category[];
const WORDS = [
  "landmine",
  "treaty",
  "withdrawal",
  "ottawa",
  "cluster",
  "demining",
  "border",
  "decree",
  "ngo",
  "survey",
];

function subscription(id: string, filter: SubscriptionFilter): Subscription {
  return {
    id,
    tenantId: "t1",
    channel: { type: "webhook", url: "https://example.test/hook" },
    filter,
    cadence: { kind: "instant" },
    status: "active",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

function story(id: string, overrides: Partial<Story> = {}): Story {
  return {
    id,
    title: "Story",
    summary: "",
    firstSeenAt: "2026-03-01T08:00:00.000Z",
    updatedAt: "2026-03-01T08:00:00.000Z",
    version: 1,
    score: 0.8,
    topics: [],
    categories: [],
    countries: [],
    treaties: [],
    sources: [],
    ...overrides,
  };
}

function keywordExpression(rng: ReturnType<typeof random>): string {
  const term = () => (rng.next() < 0.2 ? `"${rng.pick(WORDS)} ${rng.pick(WORDS)}"` : rng.pick(WORDS));
  const shapes = [
    () => term(),
    () => `${term()} AND ${term()}`,
    () => `${term()} OR ${term()}`,
    () => `${term()} NOT ${term()}`,
    () => `NOT ${term()}`,
    () => `(${term()} OR ${term()}) AND -${term()}`,
  ];
  return rng.pick(shapes)();
}

function generatedSubscriptions(rng: ReturnType<typeof random>, count: number): Subscription[] {
  return Array.from({ length: count }, (_, index) => {
    const filter: SubscriptionFilter = {};
    if (rng.next() < 0.5) filter.topics = rng.some(TOPICS, 2);
    if (rng.next() < 0.4) filter.countries = rng.some(COUNTRIES, 3);
    if (rng.next() < 0.3) filter.treaties = rng.some(TREATY_IDS, 2);
    if (rng.next() < 0.2) filter.categories = rng.some(CATEGORY_IDS, 2);
    if (rng.next() < 0.3) filter.keywords = keywordExpression(rng);
    if (rng.next() < 0.2) filter.minScore = rng.next();
    return subscription(`s${index}`, filter);
  });
}

function generatedStory(rng: ReturnType<typeof random>, index: number): Story {
  const title = Array.from({ length: 6 }, () => rng.pick(WORDS)).join(" ");
  return story(`st${index}`, {
    title,
    summary: rng.some(WORDS, 4).join(" "),
    score: rng.next(),
    topics: rng.some(TOPICS, 3),
    countries: rng.some(COUNTRIES, 3),
    treaties: rng.some(TREATY_IDS, 2),
    categories: rng.some(CATEGORY_IDS, 2),
    sources: [{ itemId: "i", outlet: "Wire", title: rng.pick(WORDS), feedId: "f" }],
  });
}

/** Each matching subscription as `id: reason | reason`, sorted, from the per-subscription matcher. */
function bruteForce(subscriptions: readonly Subscription[], target: Story): string[] {
  return subscriptions
    .flatMap((candidate) => {
      const source = candidate.filter.keywords;
      const parsed = source === undefined ? undefined : parseKeywords(source);
      if (parsed && !parsed.ok) return [];
      const result = matchStoryFilter(target, candidate.filter, parsed?.expr);
      return result.matched ? [`${candidate.id}: ${result.reasons.join(" | ")}`] : [];
    })
    .sort();
}

function expectedReasons(target: Story, filter: SubscriptionFilter): string[] {
  const parsed = filter.keywords === undefined ? undefined : parseKeywords(filter.keywords);
  if (parsed && !parsed.ok) throw new Error(parsed.message);
  return matchStoryFilter(target, filter, parsed?.expr).reasons;
}

describe("buildMatchIndex", () => {
  it.each([1, 2, 3, 4, 5])(
    "finds exactly what a scan of every subscription finds, for the same reasons (seed %i)",
    (seed) => {
      const rng = random(seed);
      const subscriptions = generatedSubscriptions(rng, 1500);
      const index = buildMatchIndex(subscriptions);
      let tested = 0;

      for (let n = 0; n < 150; n++) {
        const target = generatedStory(rng, n);
        const found = index
          .match(target)
          .map((match) => `${match.subscription.id}: ${match.reasons.join(" | ")}`)
          .sort();
        tested += index.lastCandidates;
        expect(found).toEqual(bruteForce(subscriptions, target));
      }

      expect(tested / 150).toBeLessThan(subscriptions.length * 0.75);
    },
  );

  it("tests only the subscriptions that share an indexed value with the story", () => {
    const subscriptions = [
      subscription("ua", { countries: ["UA"] }),
      subscription("kh", { countries: ["KH"] }),
      subscription("cluster", { keywords: '"cluster munitions"' }),
    ];
    const index = buildMatchIndex(subscriptions);

    const matches = index.match(story("s1", { countries: ["UA"], title: "Decree on the Ottawa treaty" }));

    expect(matches.map((match) => match.subscription.id)).toEqual(["ua"]);
    expect(matches[0]?.reasons).toEqual(["country: UA"]);
    expect(index.lastCandidates).toBe(1);
  });

  it.each<[string, SubscriptionFilter]>([
    ["a value listed twice", { countries: ["UA", "PL", "UA"] }],
    ["several dimensions", { topics: ["mine-use", "clearance"], countries: ["PL"], minScore: 0.5 }],
    ["keywords and a score", { keywords: "landmine OR survey", minScore: 0.25 }],
  ])("gives the per-subscription matcher's reasons for %s", (_, filter) => {
    const target = story("s1", {
      title: "Landmine survey near the border",
      topics: ["clearance", "mine-use"],
      countries: ["PL", "UA"],
    });
    const index = buildMatchIndex([subscription("s", filter)]);

    const [match] = index.match(target);

    const expected = expectedReasons(target, filter);
    expect(expected.length).toBeGreaterThan(0);
    expect(match?.reasons).toEqual(expected);
  });

  it("checks subscriptions without any indexable condition against every story", () => {
    const index = buildMatchIndex([subscription("all", {}), subscription("not-war", { keywords: "NOT war" })]);

    const matches = index.match(story("s1", { title: "Landmine survey completed" }));

    expect(matches.map((match) => match.subscription.id).sort()).toEqual(["all", "not-war"]);
  });

  it("never matches a subscription whose keywords do not parse", () => {
    const index = buildMatchIndex([subscription("broken", { keywords: '"unclosed' })]);

    expect(index.size).toBe(0);
    expect(index.match(story("s1", { title: "unclosed" }))).toEqual([]);
  });

  it("reads keywords that do not parse as none when asked to, as a digest does", () => {
    const broken = subscription("broken", { keywords: '"unclosed', countries: ["FI"] });
    const index = buildMatchIndex([broken], { unparsableKeywords: "ignored" });

    expect(index.size).toBe(1);
    expect(index.match(story("s1", { title: "Finland leaves the treaty", countries: ["FI"] }))).toEqual([
      expect.objectContaining({ subscription: broken }),
    ]);
    expect(index.match(story("s2", { title: "unclosed", countries: ["EE"] }))).toEqual([]);
  });
});

describe("necessaryWords", () => {
  it.each([
    ["landmine", ["landmine"]],
    ['"cluster munitions"', ["munitions"]],
    ["landmine OR demining", ["landmine", "demining"]],
    ["landmine AND (treaty OR decree)", ["landmine"]],
    ["NOT war", undefined],
    ["landmine OR NOT war", undefined],
  ])("%s needs one of %j", (source, expected) => {
    const parsed = parseKeywords(source);
    if (!parsed.ok) throw new Error(parsed.message);

    expect(necessaryWords(parsed.expr)).toEqual(expected);
  });
});

describe("describeStoryChanges", () => {
  it("words each kind of change as storyChanges does", () => {
    expect(
      describeStoryChanges([
        { kind: "new-outlet", outlet: "Baltic Ledger" },
        { kind: "new-topic", topic: "mine-use" },
        { kind: "new-country", country: "LV" },
        { kind: "new-treaty", treaty: "ccm" },
        { kind: "new-figures", figures: ["1,200", "40%"] },
      ]),
    ).toEqual(["outlet: Baltic Ledger", "topic: mine-use", "country: LV", "treaty: ccm", "figures: 1,200, 40%"]);
  });
});
