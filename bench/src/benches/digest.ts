import {
  composeDigest,
  digestPeriod,
  type KeywordExpr,
  matchStoryFilter,
  parseKeywords,
  renderDigest,
  type Story,
  type Subscription,
} from "@treatywatch/core";
import { generateEntries } from "../generate.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";
import { storiesOf } from "../stories.ts";
import { generateSubscriptions } from "./fan-out.ts";

/** Digests go out at 06:00 UTC; the window is the day before. */
const NOW = new Date("2026-11-28T06:30:00.000Z");
const CADENCE = { kind: "daily", hour: 6, timeZone: "UTC" } as const;

/** `count` stories updated evenly over the day before `windowEnd`, folded from generated reports. */
function dayOfStories(count: number, windowStart: Date, windowEnd: Date): Story[] {
  const stories: Story[] = [];
  for (let seed = 20; stories.length < count; seed++) {
    const entries = generateEntries(count * 2, { seed, end: windowEnd, perDay: count * 2 });
    stories.push(...storiesOf(entries, windowEnd.toISOString()));
  }
  const spacing = (windowEnd.getTime() - windowStart.getTime()) / count;
  return stories.slice(0, count).map((story, index) => ({
    ...story,
    id: `${story.id}_${index}`,
    updatedAt: new Date(windowStart.getTime() + index * spacing).toISOString(),
  }));
}

interface Prepared {
  subscription: Subscription;
  keywords?: KeywordExpr | undefined;
}

export const digest: Bench = {
  name: "digest",
  async run({ quick, log }): Promise<Row[]> {
    const [subscriptionCount, storyCount] = quick ? [1_000, 200] : [10_000, 2_000];
    const period = digestPeriod(CADENCE, NOW);
    if (!period) throw new Error("digest: a daily cadence has no period");
    const stories = dayOfStories(storyCount, period.windowStart, period.windowEnd);
    const subscribers: Prepared[] = generateSubscriptions(subscriptionCount, 21).map((subscription) => {
      const source = subscription.filter.keywords;
      const parsed = source ? parseKeywords(source) : undefined;
      return { subscription: { ...subscription, cadence: CADENCE }, keywords: parsed?.ok ? parsed.expr : undefined };
    });
    log(`digest: ${num(stories.length)} stories, ${num(subscribers.length)} daily subscriptions`);

    // The baseline: only deciding which stories each subscriber's digest holds.
    const matchStart = performance.now();
    let matched = 0;
    for (const { subscription, keywords } of subscribers) {
      for (const story of stories) if (matchStoryFilter(story, subscription.filter, keywords).matched) matched++;
    }
    const matchMs = performance.now() - matchStart;

    const start = performance.now();
    let built = 0;
    let bytes = 0;
    for (const { subscription, keywords } of subscribers) {
      const composed = composeDigest({
        subscriptionId: subscription.id,
        period: period.key,
        windowStart: period.windowStart,
        windowEnd: period.windowEnd,
        filter: subscription.filter,
        keywords,
        stories,
      });
      if (!composed) continue;
      const message = renderDigest(composed, { unsubscribeUrl: `https://alerts.example.org/u/${subscription.id}` });
      built++;
      bytes += message.html.length + message.text.length;
    }
    const ms = performance.now() - start;
    log(`digest: ${num(built)} digests built, ${num(bytes / 1024 ** 2, 1)} MiB rendered; ${num(matched)} matches`);
    return [
      {
        name: "digest",
        measured: `${num(ms / 1000, 1)} s (${num(ms / subscribers.length, 2)} ms/subscriber)`,
        baseline: `filter only ${num(matchMs / 1000, 1)} s`,
        ratio: ratio(ms / matchMs),
        target: "reported",
        pass: undefined,
        note:
          `core's \`composeDigest\` and \`renderDigest\` for ${num(subscribers.length)} daily subscriptions (the fan-out ` +
          `filters) over a day of ${num(stories.length)} generated stories, every story of the window offered to each ` +
          `subscriber as the worker does; ${num(built)} digests came out non-empty. The baseline only runs ` +
          "`matchStoryFilter` for every subscriber and story: the choice of stories without composing or rendering.",
      },
    ];
  },
};
