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
  // A failure is one line: the feed and the reason.
  if (outcome.status === "error") {
    const note = outcome.unrecorded ? " (not recorded)" : "";
    return `✗ ${outcome.url}: ${outcome.error?.kind}: ${outcome.error?.message}${note}`;
  }
  if (outcome.status === "not-modified") return `✓ ${outcome.url}\n    not modified`;
  const { fresh, duplicate, relevant, deferred } = outcome.summary;
  const held = deferred > 0 ? `; ${deferred} held for the next poll` : "";
  const repaired = outcome.damage ? `\n    repaired: ${outcome.damage.message}` : "";
  return `✓ ${outcome.url}\n    ${outcome.entries} entries, ${fresh} new, ${duplicate} duplicate, ${relevant} relevant${held}${repaired}`;
}

/**
 * One poll of the feeds in a feeds file (the configured one by default), with a per-feed summary.
 * Exit code 0 when every feed was read or its failure recorded in its health, 1 when a failure
 * could not even be recorded.
 */
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
    return outcomes.some((outcome) => outcome.unrecorded) ? 1 : 0;
  } finally {
    await runtime.store.close();
  }
}
