/** Delays before each attempt: the first at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h. */
export const RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18_000, 36_000, 86_400] as const;

/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3600 * 1000;

/** Retry-After is honoured up to this, so one endpoint cannot park a delivery for ever. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * Seconds to wait before attempt `attempt + 1` after `attempt` attempts failed, or
 * undefined when the schedule is exhausted. Jitter spreads retries by up to ±20 %
 * so endpoints that failed together are not retried together. `Retry-After`, when
 * longer than the schedule's delay, wins.
 */
export function retryDelaySeconds(
  attempt: number,
  random: () => number,
  retryAfterSeconds?: number | undefined,
): number | undefined {
  const base = RETRY_SCHEDULE_SECONDS[attempt];
  if (base === undefined) return undefined;
  const jittered = base * (0.8 + 0.4 * random());
  const honoured = Math.min(retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS);
  return Math.max(jittered, honoured);
}

/** Parses Retry-After (delta seconds or an HTTP date) into seconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
