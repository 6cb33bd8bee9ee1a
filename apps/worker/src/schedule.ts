import type { Feed } from "@treatywatch/core";

export interface PollPolicy {
  /** Interval for a healthy feed that gives no hint of its own. */
  defaultIntervalSeconds: number;
  minIntervalSeconds: number;
  maxIntervalSeconds: number;
  /** Longest wait between retries of a failing feed; it is never dropped. */
  maxBackoffSeconds: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  defaultIntervalSeconds: 15 * 60,
  minIntervalSeconds: 5 * 60,
  maxIntervalSeconds: 6 * 3600,
  maxBackoffSeconds: 12 * 3600,
};

/** A policy with configured bounds; the default interval and backoff ceiling follow them. */
export function pollPolicy(bounds: { minIntervalSeconds: number; maxIntervalSeconds: number }): PollPolicy {
  const { minIntervalSeconds, maxIntervalSeconds } = bounds;
  return {
    minIntervalSeconds,
    maxIntervalSeconds,
    defaultIntervalSeconds: clamp(DEFAULT_POLL_POLICY.defaultIntervalSeconds, minIntervalSeconds, maxIntervalSeconds),
    maxBackoffSeconds: Math.max(maxIntervalSeconds * 2, minIntervalSeconds),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** How many of the newest entries the publishing rate is measured over. */
const RATE_WINDOW = 20;
/** A quiet feed's interval grows by this much on each unchanged poll. */
const QUIET_GROWTH = 1.5;

/**
 * Half the average gap between a feed's newest entries, or half the time since its
 * newest entry if it has gone quiet for longer: polls twice per expected new entry.
 * Undefined when fewer than two entries carry dates.
 */
export function publishingIntervalSeconds(published: ReadonlyArray<string | undefined>, now: Date): number | undefined {
  const times = published
    .map((value) => (value ? Date.parse(value) : Number.NaN))
    .filter((time) => Number.isFinite(time) && time <= now.getTime())
    .sort((a, b) => b - a)
    .slice(0, RATE_WINDOW);
  const newest = times[0];
  const oldest = times.at(-1);
  if (newest === undefined || oldest === undefined || times.length < 2) return undefined;
  const gap = (newest - oldest) / (times.length - 1);
  return Math.max(gap, now.getTime() - newest) / 2 / 1000;
}

/** The interval that set the feed's current schedule, if its last poll succeeded. */
export function previousIntervalSeconds(feed: Feed): number | undefined {
  const { lastSuccessAt, consecutiveFailures } = feed.health;
  if (!lastSuccessAt || consecutiveFailures > 0) return undefined;
  const seconds = (Date.parse(feed.nextPollAt) - Date.parse(lastSuccessAt)) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

export interface IntervalHints {
  /** Cache-Control max-age from the response. */
  maxAgeSeconds?: number | undefined;
  /** RSS <ttl>. */
  ttlMinutes?: number | undefined;
  /** From `publishingIntervalSeconds`, when the body was read. */
  publishingSeconds?: number | undefined;
  /** The last interval, when the feed answered 304: it has stayed quiet, so wait longer. */
  unchangedAfterSeconds?: number | undefined;
}

/**
 * Seconds until the next poll of a feed that answered: adapted to how often it publishes,
 * never sooner than its max-age or <ttl> asks, always within the policy's bounds.
 */
export function successInterval(policy: PollPolicy, hints: IntervalHints): number {
  const adaptive =
    hints.publishingSeconds ??
    (hints.unchangedAfterSeconds === undefined ? undefined : hints.unchangedAfterSeconds * QUIET_GROWTH) ??
    policy.defaultIntervalSeconds;
  const asked = Math.max(hints.maxAgeSeconds ?? 0, (hints.ttlMinutes ?? 0) * 60);
  return Math.round(clamp(Math.max(adaptive, asked), policy.minIntervalSeconds, policy.maxIntervalSeconds));
}

/** Exponential backoff for a failing feed, or the server's Retry-After if it is longer; never past the ceiling. */
export function failureInterval(policy: PollPolicy, consecutiveFailures: number, retryAfterSeconds?: number): number {
  const backoff = policy.minIntervalSeconds * 2 ** Math.min(30, Math.max(0, consecutiveFailures - 1));
  return clamp(Math.max(backoff, retryAfterSeconds ?? 0), policy.minIntervalSeconds, policy.maxBackoffSeconds);
}
