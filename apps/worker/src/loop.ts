import type { Logger } from "@treatywatch/core";
import type { FeedOutcome, FetchDeps } from "./fetch-feed.ts";
import { FeedsUnread, type PollOptions, pollDueFeeds } from "./poll.ts";

export interface PollLoopOptions extends PollOptions {
  tickMs: number;
  logger: Logger;
  onTick?: (outcomes: FeedOutcome[]) => void;
}

/**
 * Reports feed failures once per change of state, not on every retry, so an
 * offline machine logs each failing feed once with its reason.
 */
export function createFeedReporter(logger: Logger): (outcomes: FeedOutcome[]) => void {
  const lastProblem = new Map<string, string>();
  return (outcomes) => {
    for (const outcome of outcomes) {
      const previous = lastProblem.get(outcome.feedId);
      if (outcome.status === "error" && outcome.error) {
        const problem = `${outcome.error.kind}: ${outcome.error.message}`;
        if (previous !== problem) {
          logger.warn(
            { feed: outcome.url, kind: outcome.error.kind, retryAt: outcome.nextPollAt },
            `feed failed: ${problem}`,
          );
        }
        lastProblem.set(outcome.feedId, problem);
        continue;
      }
      if (previous) logger.info({ feed: outcome.url }, "feed recovered");
      lastProblem.delete(outcome.feedId);
      const { fresh, relevant, duplicate } = outcome.summary;
      if (fresh > 0) logger.info({ feed: outcome.url, fresh, relevant, duplicate }, "feed polled");
    }
  };
}

/** The in-process schedule: a tick every `tickMs`, never two at once. Returns a stop function. */
export function startPollLoop(deps: FetchDeps, options: PollLoopOptions): () => Promise<void> {
  const report = createFeedReporter(options.logger);
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    const done = (outcomes: FeedOutcome[]) => {
      report(outcomes);
      options.onTick?.(outcomes);
    };
    running = pollDueFeeds(deps, options)
      .then(done)
      .catch((error: unknown) => {
        // The feeds fetched before the tick failed are stored: what they made is still announced.
        if (error instanceof FeedsUnread) done(error.outcomes);
        options.logger.error({ err: error }, "poll tick failed");
      })
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, options.tickMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
