import {
  buildMatchIndex,
  CATEGORIES,
  type Category,
  COUNTRY_CODES,
  type KeywordExpr,
  matchStoryFilter,
  parseKeywords,
  type Story,
  type Subscription,
  type SubscriptionFilter,
  TOPICS,
  TREATY_IDS,
} from "@treatywatch/core";
import { seeded } from "@treatywatch/core/seeded";
import { generateEntries, pick } from "../generate.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";
import { storiesOf } from "../stories.ts";

const KEYWORDS = [
  "landmine",
  "landmines OR mines",
  '"cluster munitions"',
  "withdrawal AND treaty",
  "Ukraine AND (mine OR mines)",
  "demining NOT training",
  '"Ottawa Convention"',
  "stockpile OR destruction",
  "casualties AND civilians",
  "nuclear AND test",
  "clearance",
  "ratification OR ratifies",
];

const NOW = "2026-11-28T12:00:00.000Z";

function sample<T>(random: () => number, values: readonly T[], most: number): T[] {
  const count = 1 + Math.floor(random() * most);
  return [...new Set(Array.from({ length: count }, () => pick(random, values)))];
}

/**
 * Subscriptions as a news-alert service sees them: most follow a country, a treaty or a
 * keyword expression (often narrowed by topic), some a whole topic or category, a few everything.
 */
export function generateSubscriptions(count: number, seed: number): Subscription[] {
  const random = seeded(seed);
  const categories = Object.keys(CATEGORIES) as Category[];
  return Array.from({ length: count }, (_, index) => {
    const filter: SubscriptionFilter = {};
    const kind = random();
    if (kind < 0.6) filter.countries = sample(random, COUNTRY_CODES, 3);
    else if (kind < 0.75) filter.keywords = pick(random, KEYWORDS);
    else if (kind < 0.85) filter.treaties = sample(random, TREATY_IDS, 2);
    else if (kind < 0.95) filter.topics = sample(random, TOPICS, 2);
    else if (kind < 0.99) filter.categories = sample(random, categories, 2);
    if (kind < 0.85 && random() < 0.3) filter.topics = sample(random, TOPICS, 2);
    if (kind < 0.6 && random() < 0.15) filter.keywords = pick(random, KEYWORDS);
    if (random() < 0.2) filter.minScore = Math.round(random() * 10) / 10;
    return {
      id: `sub_${index}`,
      tenantId: `tn_${index % 500}`,
      channel: { type: "webhook", url: `https://hooks.example.org/${index}` },
      filter,
      cadence: { kind: "instant" },
      status: "active",
      createdAt: NOW,
      updatedAt: NOW,
    };
  });
}

/** The baseline: every subscription tested in turn with core's per-subscription matcher. */
function scan(parsed: readonly { subscription: Subscription; keywords?: KeywordExpr }[], story: Story): string[] {
  const ids: string[] = [];
  for (const { subscription, keywords } of parsed) {
    if (matchStoryFilter(story, subscription.filter, keywords).matched) ids.push(subscription.id);
  }
  return ids;
}

function timed<T>(task: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = task();
  return { value, ms: performance.now() - start };
}

export const fanOut: Bench = {
  name: "fan-out",
  async run({ quick, log }): Promise<Row[]> {
    const count = quick ? 10_000 : 100_000;
    const subscriptions = generateSubscriptions(count, 8);
    const stories = storiesOf(generateEntries(400, { seed: 8, end: new Date(NOW), perDay: 400 }), NOW).slice(0, 40);
    // Keyword expressions are parsed once for both sides, as the index does when it is built.
    const parsed = subscriptions.flatMap((subscription) => {
      if (subscription.filter.keywords === undefined) return [{ subscription }];
      const result = parseKeywords(subscription.filter.keywords);
      return result.ok ? [{ subscription, keywords: result.expr }] : [];
    });
    const build = timed(() => buildMatchIndex(subscriptions));
    const index = build.value;
    log(`fan-out: ${num(count)} subscriptions indexed in ${num(build.ms)} ms; ${stories.length} stories`);

    // One untimed pass first, so neither side's timing includes compiling its code.
    for (const story of stories.slice(0, 5)) {
      index.match(story);
      scan(parsed, story);
    }
    let indexMs = 0;
    let scanMs = 0;
    let matches = 0;
    let candidates = 0;
    const rounds = quick ? 1 : 3;
    for (let round = 0; round < rounds; round++) {
      for (const story of stories) {
        const viaIndex = timed(() => index.match(story));
        // Reduced to ids before the scan runs, so the scan's timing does not carry the index's results.
        const fromIndex = viaIndex.value.map((match) => match.subscription.id).sort();
        candidates += index.lastCandidates;
        const viaScan = timed(() => scan(parsed, story));
        indexMs += viaIndex.ms;
        scanMs += viaScan.ms;
        const fromScan = viaScan.value.sort();
        if (fromIndex.join() !== fromScan.join()) {
          throw new Error(`fan-out: the index and the scan disagree on story ${story.id}`);
        }
        matches += fromIndex.length;
      }
    }
    const matched = rounds * stories.length;
    const perIndex = indexMs / matched;
    const perScan = scanMs / matched;
    const speedup = perScan / perIndex;
    return [
      {
        name: "fan-out",
        measured: `${num(perIndex, 2)} ms/story`,
        baseline: `scan ${num(perScan, 2)} ms/story`,
        ratio: ratio(speedup),
        target: "≥ 20x, same matches",
        pass: speedup >= 20,
        note:
          `one story matched against ${num(count)} subscriptions (60% following up to three countries, 15% a ` +
          `keyword expression, 10% treaties, 10% topics, 4% categories, 1% everything; a third also narrowed by ` +
          `topic, a fifth by a minimum score) through core's inverted ` +
          `index (\`buildMatchIndex\`), against \`matchStoryFilter\` on every subscription; ${stories.length} generated ` +
          `stories × ${rounds} after an untimed warm-up, the index's matches reduced to ids before the scan runs, the same subscriptions ` +
          `matched each time (asserted), ${num(matches / matched, 1)} ` +
          `matches and ${num(candidates / matched)} candidates tested a story on average.`,
      },
    ];
  },
};
