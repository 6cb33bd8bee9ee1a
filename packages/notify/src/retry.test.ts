import { describe, expect, it } from "vitest";
import { parseRetryAfter, RETRY_SCHEDULE_SECONDS, retryDelaySeconds } from "./retry.ts";

describe("retryDelaySeconds", () => {
  it.each([
    [1, 5],
    [2, 300],
    [3, 1800],
    [4, 7200],
    [5, 18_000],
    [6, 36_000],
    [7, 86_400],
  ])("after %i failed attempts waits about %i s, within ±20 %%", (attempt, base) => {
    const low = retryDelaySeconds(attempt, () => 0);
    const high = retryDelaySeconds(attempt, () => 0.999_999);

    expect(low).toBeCloseTo(base * 0.8);
    expect(high).toBeCloseTo(base * 1.2, 0);
  });

  it("gives up once every scheduled attempt was made", () => {
    expect(retryDelaySeconds(RETRY_SCHEDULE_SECONDS.length, () => 0.5)).toBeUndefined();
  });

  it("waits for Retry-After when it is longer than the schedule", () => {
    expect(retryDelaySeconds(1, () => 0.5, 600)).toBe(600);
    expect(retryDelaySeconds(3, () => 0.5, 10)).toBe(1800);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it.each([
    ["120", 120],
    ["Sun, 01 Mar 2026 12:05:00 GMT", 300],
    ["soon", undefined],
    [undefined, undefined],
  ])("reads %s as %s seconds", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
