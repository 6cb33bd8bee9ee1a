import type { Clock, Feed, Store } from "@treatywatch/core";

/**
 * How long a poll tick's lease on a due feed lasts: longer than a queued fetch takes, so
 * an overlapping tick does not select the feed again, and short enough that a feed whose
 * fetch was lost falls due again soon.
 */
export const FEED_LEASE_SECONDS = 600;

/** The due feeds this tick wins, each leased so an overlapping tick cannot select it too. */
export function leaseDueFeeds(
  deps: { store: Pick<Store, "leaseDueFeeds">; clock: Clock },
  limit: number,
  leaseSeconds = FEED_LEASE_SECONDS,
): Promise<Feed[]> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  return deps.store.leaseDueFeeds(now.toISOString(), limit, leaseUntil);
}
