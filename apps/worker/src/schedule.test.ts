import type { Feed } from "@treatywatch/core";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLL_POLICY,
  failureInterval,
  pollPolicy,
  previousIntervalSeconds,
  publishingIntervalSeconds,
  successInterval,
} from "./schedule.ts";

const NOW = new Date("2025-06-30T12:00:00Z");
const policy = DEFAULT_POLL_POLICY;
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

function feedWith(health: Partial<Feed["health"]>, nextPollAt: string): Feed {
  return {
    id: "fd_1",
    url: "https://news.example/feed.xml",
    addedAt: hoursAgo(100),
    nextPollAt,
    health: { consecutiveFailures: 0, ...health },
  };
}

describe("publishingIntervalSeconds", () => {
  it("polls twice per average gap between recent entries", () => {
    expect(publishingIntervalSeconds([hoursAgo(0), hoursAgo(1), hoursAgo(2), undefined], NOW)).toBe(1800);
  });

  it("slows down for a feed gone quiet longer than its usual gap", () => {
    expect(publishingIntervalSeconds([hoursAgo(10), hoursAgo(11)], NOW)).toBe(5 * 3600);
  });

  it("needs two dated entries and ignores dates in the future", () => {
    expect(publishingIntervalSeconds([hoursAgo(1), hoursAgo(-5), "not a date"], NOW)).toBeUndefined();
  });
});

describe("successInterval", () => {
  it.each([
    ["the default with no hints", {}, 900],
    ["the publishing rate", { publishingSeconds: 3600 }, 3600],
    ["the publishing rate, never below the minimum", { publishingSeconds: 10 }, 300],
    ["a longer max-age over a fast publishing rate", { publishingSeconds: 600, maxAgeSeconds: 7200 }, 7200],
    ["<ttl> in minutes", { ttlMinutes: 120 }, 7200],
    ["a huge <ttl>, capped at the maximum", { ttlMinutes: 100_000 }, 6 * 3600],
    ["a quiet feed's last interval, grown", { unchangedAfterSeconds: 1200 }, 1800],
  ])("uses %s", (_name, hints, seconds) => {
    expect(successInterval(policy, hints)).toBe(seconds);
  });
});

describe("failureInterval", () => {
  it.each([
    [1, undefined, 300],
    [2, undefined, 600],
    [5, undefined, 4800],
    [500, undefined, 12 * 3600],
    [1, 7200, 7200],
    [1, 999_999, 12 * 3600],
  ])("after %i failures with Retry-After %s waits %i s", (failures, retryAfter, seconds) => {
    expect(failureInterval(policy, failures, retryAfter)).toBe(seconds);
  });
});

describe("previousIntervalSeconds", () => {
  it("is the gap between the last success and the next poll it set", () => {
    expect(previousIntervalSeconds(feedWith({ lastSuccessAt: hoursAgo(1) }, NOW.toISOString()))).toBe(3600);
  });

  it("is unknown while the feed is failing", () => {
    expect(
      previousIntervalSeconds(feedWith({ lastSuccessAt: hoursAgo(1), consecutiveFailures: 2 }, NOW.toISOString())),
    ).toBeUndefined();
  });
});

describe("pollPolicy", () => {
  it("keeps the default interval within configured bounds", () => {
    expect(pollPolicy({ minIntervalSeconds: 1800, maxIntervalSeconds: 3600 })).toMatchObject({
      defaultIntervalSeconds: 1800,
      maxBackoffSeconds: 7200,
    });
  });
});
