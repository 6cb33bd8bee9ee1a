import { describe, expect, it } from "vitest";
import { digestPeriod, zonedTimeToInstant } from "./schedule-digest.ts";
import type { Cadence } from "./subscription.ts";

const daily = (hour: number, timeZone: string): Cadence => ({ kind: "daily", hour, timeZone });

describe("zonedTimeToInstant", () => {
  it.each([
    // Europe/Berlin: CET (+1) in winter, CEST (+2) after 2026-03-29 02:00.
    [{ year: 2026, month: 3, day: 28, hour: 8 }, "Europe/Berlin", "2026-03-28T07:00:00.000Z"],
    [{ year: 2026, month: 3, day: 29, hour: 8 }, "Europe/Berlin", "2026-03-29T06:00:00.000Z"],
    [{ year: 2026, month: 3, day: 29, hour: 2 }, "Europe/Berlin", "2026-03-29T01:00:00.000Z"],
    [{ year: 2026, month: 10, day: 25, hour: 2 }, "Europe/Berlin", "2026-10-25T00:00:00.000Z"],
    [{ year: 2026, month: 3, day: 8, hour: 2 }, "America/New_York", "2026-03-08T07:00:00.000Z"],
    [{ year: 2026, month: 7, day: 1, hour: 9 }, "Asia/Kolkata", "2026-07-01T03:30:00.000Z"],
  ])("places %j in %s at %s", (local, zone, expected) => {
    expect(zonedTimeToInstant(local, zone).toISOString()).toBe(expected);
  });
});

describe("digestPeriod", () => {
  it("names the day whose send hour has passed, in the subscriber's zone", () => {
    const period = digestPeriod(daily(8, "Europe/Kyiv"), new Date("2026-03-02T06:30:00Z"));

    expect(period).toEqual({
      key: "2026-03-02",
      windowStart: new Date("2026-03-01T06:00:00Z"),
      windowEnd: new Date("2026-03-02T06:00:00Z"),
    });
  });

  it("gives yesterday's period before today's send hour", () => {
    expect(digestPeriod(daily(8, "Europe/Kyiv"), new Date("2026-03-02T05:59:59Z"))?.key).toBe("2026-03-01");
  });

  it("gives one key however often the schedule fires within a period", () => {
    const fires = ["2026-03-02T06:00:00Z", "2026-03-02T06:01:00Z", "2026-03-02T18:00:00Z", "2026-03-03T05:59:00Z"];

    const keys = new Set(fires.map((at) => digestPeriod(daily(8, "Europe/Kyiv"), new Date(at))?.key));

    expect([...keys]).toEqual(["2026-03-02"]);
  });

  it("keeps 08:00 local across the spring daylight-saving change, with a 23-hour window", () => {
    const period = digestPeriod(daily(8, "Europe/Berlin"), new Date("2026-03-29T12:00:00Z"));

    expect(period?.windowStart.toISOString()).toBe("2026-03-28T07:00:00.000Z");
    expect(period?.windowEnd.toISOString()).toBe("2026-03-29T06:00:00.000Z");
  });

  it("keeps 08:00 local across the autumn change, with a 25-hour window", () => {
    const period = digestPeriod(daily(8, "America/New_York"), new Date("2026-11-01T20:00:00Z"));

    expect(period?.windowStart.toISOString()).toBe("2026-10-31T12:00:00.000Z");
    expect(period?.windowEnd.toISOString()).toBe("2026-11-01T13:00:00.000Z");
  });

  it("sends weekly digests on the ISO weekday and names the ISO week", () => {
    // 2026-03-02 is a Monday; weekday 5 is Friday.
    const cadence: Cadence = { kind: "weekly", weekday: 5, hour: 17, timeZone: "UTC" };

    const period = digestPeriod(cadence, new Date("2026-03-02T10:00:00Z"));

    expect(period).toEqual({
      key: "2026-W09",
      windowStart: new Date("2026-02-20T17:00:00Z"),
      windowEnd: new Date("2026-02-27T17:00:00Z"),
    });
  });

  it("has nothing to schedule for instant subscriptions", () => {
    expect(digestPeriod({ kind: "instant" }, new Date())).toBeUndefined();
  });
});
