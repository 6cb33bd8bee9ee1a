/// <reference path="./rate-limiter-flexible.d.ts" />
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import RateLimiterMemory from "rate-limiter-flexible/lib/RateLimiterMemory.js";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes.js";

/** Requests allowed per window, per API key or per client address. */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/** What a limiter said of one request, with what the RateLimit headers report. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again. */
  resetSeconds: number;
  windowSeconds: number;
}

/**
 * The counting behind a limit: rate-limiter-flexible's limiters, in memory by default
 * (entries are dropped when their window ends, so memory follows the clients of one
 * window) or in a store that instances share.
 */
export type RateLimiterFactory = (
  limit: RateLimit,
  name: "key" | "anonymous" | "signup-client" | "signup-address",
) => RateLimiterAbstract;

export const memoryRateLimiters: RateLimiterFactory = (limit, name) =>
  new RateLimiterMemory({ points: limit.requests, duration: limit.windowSeconds, keyPrefix: name });

/** One limit over one limiter: takes a request from a key's window. */
export class RateLimiter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    readonly limit: RateLimit,
  ) {}

  async take(key: string): Promise<RateDecision> {
    try {
      return this.decide(await this.limiter.consume(key), true);
    } catch (refusal) {
      // The library rejects with its result when the window is used up, and with an Error when its store fails.
      if (refusal instanceof RateLimiterRes) return this.decide(refusal, false);
      throw refusal;
    }
  }

  private decide(result: RateLimiterRes, allowed: boolean): RateDecision {
    return {
      allowed,
      limit: this.limit.requests,
      remaining: Math.max(0, result.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
      windowSeconds: this.limit.windowSeconds,
    };
  }
}

/** Puts the IETF RateLimit header fields (draft 6) for a decision into the headers an answer will carry. */
export function setRateLimitHeaders(headers: Record<string, string>, decision: RateDecision): void {
  headers["ratelimit-limit"] = String(decision.limit);
  headers["ratelimit-remaining"] = String(decision.remaining);
  headers["ratelimit-reset"] = String(decision.resetSeconds);
  headers["ratelimit-policy"] = `${decision.limit};w=${decision.windowSeconds}`;
}
