import type { Clock } from "@treatywatch/core";

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** A fixed-window counter per key, in memory: one API process, one set of windows. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: { requests: number; windowSeconds: number },
    private readonly clock: Clock,
  ) {}

  take(key: string): RateDecision {
    const now = this.clock.now().getTime();
    const windowMs = this.limit.windowSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.limit.requests) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
    }
    window.count++;
    return { allowed: true, remaining: this.limit.requests - window.count };
  }
}
