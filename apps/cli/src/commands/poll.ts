import { type FeedOutcome, pollFeeds } from "@treatywatch/worker";
import { addFeedsFromFile, type Runtime } from "../runtime.ts";

export interface PollOnceOptions {
  feeds?: string | undefined;
  json?: boolean | undefined;
}

function totals(outcomes: readonly FeedOutcome[]) {
  const sum = {
    feeds: outcomes.length,
    failed: 0,
    fresh: 0,
    duplicate: 0,
    relevant: 0,
    storiesCreated: 0,
    storiesUpdated: 0,
  };
  for (const outcome of outcomes) {
    if (outcome.status === "error") sum.failed++;
    sum.fresh += outcome.summary.fresh;
    sum.duplicate += outcome.summary.duplicate;
    sum.relevant += outcome.summary.relevant;
    for (const event of outcome.summary.events) {
      if (event.kind === "created") sum.storiesCreated++;
      else sum.storiesUpdated++;
    }
  }
  return sum;
}

function line(outcome: FeedOutcome): string {
  const { fresh, duplicate, relevant } = outcome.summary;
  const what =
    outcome.status === "error"
      ? `error ${outcome.error?.kind}: ${outcome.error?.message}`
      : outcome.status === "not-modified"
        ? "not modified"
        : `${outcome.entries} entries, ${fresh} new, ${duplicate} duplicate, ${relevant} relevant`;
  return `${outcome.status === "error" ? "✗" : "✓"} ${outcome.url}\n    ${what}`;
}

/** One poll of the feeds in a feeds file (the configured one by default), with a per-feed summary. Exit code 1 if any failed. */
export async function pollOnceCommand(runtime: Runtime, options: PollOnceOptions): Promise<number> {
  try {
    const listed = new Set((await addFeedsFromFile(runtime, options.feeds ?? runtime.config.feedsFile)).urls);
    // --once polls the listed feeds now, whether or not they are due.
    const chosen = (await runtime.store.listFeeds()).filter((feed) => listed.has(feed.url));
    const outcomes = await pollFeeds(chosen, runtime, runtime.config.poll.concurrency);
    const sum = totals(outcomes);
    if (options.json) {
      const feedsOut = outcomes.map(({ summary, ...outcome }) => ({
        ...outcome,
        ...summary,
        events: summary.events.length,
      }));
      process.stdout.write(`${JSON.stringify({ ...sum, outcomes: feedsOut })}\n`);
    } else {
      for (const outcome of outcomes) process.stdout.write(`${line(outcome)}\n`);
      process.stdout.write(
        `\n${sum.feeds} feeds (${sum.failed} failed): ${sum.fresh} new items, ${sum.duplicate} duplicate, ${sum.relevant} relevant; ${sum.storiesCreated} stories created, ${sum.storiesUpdated} updated\n`,
      );
    }
    return sum.failed > 0 ? 1 : 0;
  } finally {
    await runtime.store.close();
  }
}
