import type { Clock, Feed, FeedError, Fetcher, Store } from "@treatywatch/core";
import { parseFeed } from "@treatywatch/feeds";
import { emptySummary, type IngestSummary, ingestItems, type PreparedEntries, prepareEntries } from "./ingest.ts";
import {
  DEFAULT_POLL_POLICY,
  failureInterval,
  type PollPolicy,
  previousIntervalSeconds,
  publishingIntervalSeconds,
  successInterval,
} from "./schedule.ts";

/** Takes a feed's prepared items on to story assignment, which has a single writer. */
export type IngestSink = (prepared: PreparedEntries) => Promise<IngestSummary>;

export interface FetchDeps {
  store: Store;
  fetcher: Fetcher;
  clock: Clock;
  policy?: PollPolicy;
  /** Story assignment is single-writer: ingests go through this, one at a time. */
  serialize?: <T>(task: () => Promise<T>) => Promise<T>;
  /** Replaces in-process story assignment (and `serialize`): on AWS, prepared items go to the ingest queue. */
  ingest?: IngestSink | undefined;
}

export interface FeedOutcome {
  feedId: string;
  url: string;
  status: "ok" | "not-modified" | "error";
  error?: FeedError | undefined;
  entries: number;
  summary: IngestSummary;
  nextPollAt: string;
}

function after(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

/** Fetches, parses and ingests one feed, and records its health. Never throws for a bad feed. */
export async function fetchFeed(feed: Feed, deps: FetchDeps): Promise<FeedOutcome> {
  const policy = deps.policy ?? DEFAULT_POLL_POLICY;
  const serialize = deps.serialize ?? ((task) => task());
  const outcome = (
    status: FeedOutcome["status"],
    nextPollAt: string,
    rest: Partial<FeedOutcome> = {},
  ): FeedOutcome => ({
    feedId: feed.id,
    url: feed.url,
    status,
    entries: 0,
    summary: emptySummary(),
    nextPollAt,
    ...rest,
  });
  const fail = async (error: FeedError, retryAfterSeconds?: number): Promise<FeedOutcome> => {
    const now = deps.clock.now();
    const failures = feed.health.consecutiveFailures + 1;
    const nextPollAt = after(now, failureInterval(policy, failures, retryAfterSeconds));
    await deps.store.recordFetch(feed.id, { error, nextPollAt, at: now.toISOString() });
    return outcome("error", nextPollAt, { error });
  };

  const result = await deps.fetcher.fetch({ url: feed.url, etag: feed.etag, lastModified: feed.lastModified });
  if (result.status === "error") return fail(result.error, result.retryAfterSeconds);
  if (result.status === "not-modified") {
    const now = deps.clock.now();
    const nextPollAt = after(
      now,
      successInterval(policy, {
        maxAgeSeconds: result.maxAgeSeconds,
        unchangedAfterSeconds: previousIntervalSeconds(feed),
      }),
    );
    await deps.store.recordFetch(feed.id, {
      etag: feed.etag,
      lastModified: feed.lastModified,
      nextPollAt,
      at: now.toISOString(),
    });
    return outcome("not-modified", nextPollAt);
  }

  const parsed = await parseFeed(result.body, result.contentType, { url: result.finalUrl });
  if (!parsed.ok) return fail(parsed.error);
  const prepared = prepareEntries(
    parsed.feed.entries,
    { feedId: feed.id, feedUrl: result.finalUrl, feedTitle: parsed.feed.title ?? feed.title },
    deps.clock.now().toISOString(),
  );
  const summary = deps.ingest
    ? await deps.ingest(prepared)
    : await serialize(async () => ({ ...(await ingestItems(prepared.items, deps)), skipped: prepared.skipped }));
  const now = deps.clock.now();
  const nextPollAt = after(
    now,
    successInterval(policy, {
      maxAgeSeconds: result.maxAgeSeconds,
      ttlMinutes: parsed.feed.ttlMinutes,
      publishingSeconds: publishingIntervalSeconds(
        parsed.feed.entries.map((entry) => entry.published),
        now,
      ),
    }),
  );
  await deps.store.recordFetch(feed.id, {
    etag: result.etag,
    lastModified: result.lastModified,
    title: parsed.feed.title,
    nextPollAt,
    at: now.toISOString(),
  });
  return outcome("ok", nextPollAt, { entries: parsed.feed.entries.length, summary });
}
