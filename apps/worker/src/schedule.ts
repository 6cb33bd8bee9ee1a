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

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Seconds until the next poll of a feed that answered, honouring its hints within bounds. */
export function successInterval(
  policy: PollPolicy,
  hints: { maxAgeSeconds?: number | undefined; ttlMinutes?: number | undefined },
): number {
  const hinted = Math.max(hints.maxAgeSeconds ?? 0, (hints.ttlMinutes ?? 0) * 60);
  const interval = hinted > 0 ? hinted : policy.defaultIntervalSeconds;
  return clamp(interval, policy.minIntervalSeconds, policy.maxIntervalSeconds);
}

/** Exponential backoff for a failing feed, or the server's Retry-After if it is longer. */
export function failureInterval(policy: PollPolicy, consecutiveFailures: number, retryAfterSeconds?: number): number {
  const backoff = policy.minIntervalSeconds * 2 ** Math.max(0, consecutiveFailures - 1);
  return clamp(Math.max(backoff, retryAfterSeconds ?? 0), policy.minIntervalSeconds, policy.maxBackoffSeconds);
}
