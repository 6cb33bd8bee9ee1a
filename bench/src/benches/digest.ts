import {
  composeDigest,
  composeDigests,
  type Digest,
  digestPeriod,
  parseKeywords,
  type RenderedMessage,
  renderDigest,
  type Story,
  type Subscription,
} from "@treatywatch/core";
import { generateEntries } from "../generate.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";
import { storiesByEvent } from "../stories.ts";
import { generateSubscriptions } from "./fan-out.ts";

/** Digests go out at 06:00 UTC; the window is the day before. */
const NOW = new Date("2026-11-28T06:30:00.000Z");
const CADENCE = { kind: "daily", hour: 6, timeZone: "UTC" } as const;
/** The subscribers the baseline composes for: every tenth, enough to time it and check every digest it makes. */
const BASELINE_EVERY = 10;

/** `count` stories updated evenly over the day before `windowEnd`, each the reports of one generated event. */
function dayOfStories(count: number, windowStart: Date, windowEnd: Date): Story[] {
  const stories: Story[] = [];
  for (let seed = 20; stories.length < count; seed++) {
    const entries = generateEntries(count * 2, { seed, end: windowEnd, perDay: count * 2 });
    stories.push(...storiesByEvent(entries, windowEnd.toISOString()));
  }
  const spacing = (windowEnd.getTime() - windowStart.getTime()) / count;
  return stories.slice(0, count).map((story, index) => ({
    ...story,
    id: `${story.id}_${index}`,
    updatedAt: new Date(windowStart.getTime() + index * spacing).toISOString(),
  }));
}

const unsubscribeUrl = (subscription: Subscription) => `https://alerts.example.org/u/${subscription.id}`;

export const digest: Bench = {
  name: "digest",
  async run({ quick, log }): Promise<Row[]> {
    const [subscriptionCount, storyCount] = quick ? [1_000, 200] : [10_000, 2_000];
    const period = digestPeriod(CADENCE, NOW);
    if (!period) throw new Error("digest: a daily cadence has no period");
    const stories = dayOfStories(storyCount, period.windowStart, period.windowEnd);
    const subscriptions = generateSubscriptions(subscriptionCount, 21).map((subscription) => ({
      ...subscription,
      cadence: CADENCE,
    }));
    const window = { period: period.key, windowStart: period.windowStart, windowEnd: period.windowEnd, stories };
    log(`digest: ${num(stories.length)} stories, ${num(subscriptions.length)} daily subscriptions`);

    // Measured: every subscriber's digest, drawn through the match index, and rendered.
    const start = performance.now();
    const digests = composeDigests(window, subscriptions);
    // Only the messages the baseline checks are kept: all of them would not fit in memory.
    const rendered = new Map<string, RenderedMessage>();
    let built = 0;
    let bytes = 0;
    subscriptions.forEach((subscription, index) => {
      const composed = digests.get(subscription.id);
      if (!composed) return;
      const message = renderDigest(composed, { unsubscribeUrl: unsubscribeUrl(subscription) });
      if (index % BASELINE_EVERY === 0) rendered.set(subscription.id, message);
      built++;
      bytes += message.html.length + message.text.length;
    });
    const ms = performance.now() - start;
    log(`digest: ${num(built)} digests built, ${num(bytes / 1024 ** 2, 1)} MiB rendered`);

    // The baseline: the digest as first composed, every story of the window offered to each subscriber.
    const sample = subscriptions.filter((_, index) => index % BASELINE_EVERY === 0);
    const baseline: Array<{ subscription: Subscription; digest: Digest | undefined; message?: RenderedMessage }> = [];
    const baselineStart = performance.now();
    for (const subscription of sample) {
      const source = subscription.filter.keywords;
      const parsed = source ? parseKeywords(source) : undefined;
      const composed = composeDigest({
        subscriptionId: subscription.id,
        period: period.key,
        windowStart: period.windowStart,
        windowEnd: period.windowEnd,
        filter: subscription.filter,
        keywords: parsed?.ok ? parsed.expr : undefined,
        stories,
      });
      const message = composed && renderDigest(composed, { unsubscribeUrl: unsubscribeUrl(subscription) });
      baseline.push({ subscription, digest: composed, message });
    }
    const baselineMs = performance.now() - baselineStart;
    for (const { subscription, digest: expected, message } of baseline) {
      const same =
        JSON.stringify(digests.get(subscription.id)) === JSON.stringify(expected) &&
        JSON.stringify(rendered.get(subscription.id)) === JSON.stringify(message);
      if (!same) throw new Error(`digest: subscription ${subscription.id} got another digest through the index`);
    }
    const perSubscriber = ms / subscriptions.length;
    const baselinePerSubscriber = baselineMs / sample.length;
    return [
      {
        name: "digest",
        measured: `${num(ms / 1000, 1)} s (${num(perSubscriber, 2)} ms/subscriber)`,
        baseline: `every story offered ${num(baselinePerSubscriber, 2)} ms/subscriber`,
        ratio: ratio(perSubscriber / baselinePerSubscriber),
        target: "≤ 1 ms/subscriber, same digests",
        pass: perSubscriber <= 1,
        note:
          `core's \`composeDigests\` (each story of the window matched once through the match index, each story's ` +
          `entry made once) and \`renderDigest\` for ${num(subscriptions.length)} daily subscriptions (the fan-out ` +
          `filters) over a day of ${num(stories.length)} generated stories; ${num(built)} digests came out ` +
          `non-empty, ${num(bytes / 1024 ** 2, 1)} MiB rendered. The baseline is the digest as first composed ` +
          `(\`composeDigest\` offered every story of the window, then \`renderDigest\`) for every ` +
          `${BASELINE_EVERY}th subscriber, in the same run; each of its ${num(sample.length)} digests and ` +
          "rendered messages is checked equal to the measured one.",
      },
    ];
  },
};
