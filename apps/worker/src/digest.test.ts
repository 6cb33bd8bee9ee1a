import type { Story } from "@treatywatch/core";
import { DigestReadyEventSchema } from "@treatywatch/notify";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryHarness, story, subscription } from "../test/delivery-fixtures.ts";
import { enqueueDueDeliveries } from "./deliver.ts";
import { type DigestDeps, runDigestsNow, runDueDigests } from "./digest.ts";

const DAILY = subscription("sub_daily", {
  channel: { type: "email", address: "reader@example.org" },
  cadence: { kind: "daily", hour: 8, timeZone: "Europe/Vilnius" },
  filter: { countries: ["LT"] },
});

let close: (() => Promise<void>) | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(async () => {
  await close?.();
  vi.useRealTimers();
});

function arrange(stories: Story[], overrides: Partial<DigestDeps> = {}) {
  const harness = deliveryHarness({});
  close = harness.close;
  const asked: string[] = [];
  const deps: DigestDeps = {
    ...harness,
    storiesBetween: async (start, end) => {
      asked.push(`${start.toISOString()}/${end.toISOString()}`);
      return stories.filter((s) => s.updatedAt >= start.toISOString() && s.updatedAt < end.toISOString());
    },
    unsubscribeUrl: async (id) => `https://alerts.example/v1/unsubscribe?token=${id}`,
    ...overrides,
  };
  return { ...harness, deps, asked };
}

describe("runDigestsNow", () => {
  it("builds the day up to now outside the schedule, once a minute however often asked", async () => {
    const { deps, clock, deliveries } = arrange([story("st_fresh", { updatedAt: "2026-03-02T10:55:00.000Z" })]);
    clock.set(new Date("2026-03-02T11:00:00Z"));

    const due = await runDueDigests([DAILY], deps);
    const now = await runDigestsNow([DAILY], deps);
    const again = await runDigestsNow([DAILY], deps);

    const event = DigestReadyEventSchema.parse(JSON.parse(deliveries.get(now.built[0] ?? "")?.payload ?? "{}"));
    expect(due.empty).toBe(1);
    expect(now.built).toHaveLength(1);
    expect(again).toEqual({ built: [], alreadyBuilt: 1, empty: 0 });
    expect(event.data).toMatchObject({
      windowStart: "2026-03-01T11:00:00.000Z",
      windowEnd: "2026-03-02T11:00:00.000Z",
    });
    expect(event.data.stories.map((s) => s.id)).toEqual(["st_fresh"]);
  });
});

describe("runDueDigests", () => {
  it("lists at most the subscription's maxStories and says how many more, linking to its feed", async () => {
    const stories = Array.from({ length: 5 }, (_, n) => story(`st_${n}`, { updatedAt: `2026-03-01T1${n}:00:00.000Z` }));
    const limited = { ...DAILY, cadence: { ...DAILY.cadence, maxStories: 3 } } as typeof DAILY;
    const { deps, clock, deliveries } = arrange(stories, {
      storiesUrl: (id) => `https://alerts.example/v1/subscriptions/${id}/feed/atom`,
    });
    clock.set(new Date("2026-03-02T06:00:00Z"));

    const run = await runDueDigests([limited], deps);

    const event = DigestReadyEventSchema.parse(JSON.parse(deliveries.get(run.built[0] ?? "")?.payload ?? "{}"));
    expect(event.data.subject).toBe("treatywatch digest 2026-03-02: 5 stories");
    expect(event.data.stories).toHaveLength(3);
    expect(event.data.text).toContain(
      "…and 2 more stories: https://alerts.example/v1/subscriptions/sub_daily/feed/atom",
    );
  });

  it("builds the day's digest once, however often the schedule fires", async () => {
    // 08:00 in Vilnius (UTC+2 in March) is 06:00 UTC.
    const { deps, clock, queue, deliveries } = arrange([story("st_1", { updatedAt: "2026-03-01T12:00:00.000Z" })]);
    clock.set(new Date("2026-03-02T06:00:00Z"));

    const first = await runDueDigests([DAILY], deps);
    clock.advance(60);
    const second = await runDueDigests([DAILY], deps);
    const messages = await queue.receive({ max: 10 });

    expect(first.built).toHaveLength(1);
    expect(second).toEqual({ built: [], alreadyBuilt: 1, empty: 0 });
    expect(messages).toHaveLength(1);
    const event = DigestReadyEventSchema.parse(JSON.parse(deliveries.get(first.built[0] ?? "")?.payload ?? "{}"));
    expect(event.data).toMatchObject({
      period: "2026-03-02",
      windowStart: "2026-03-01T06:00:00.000Z",
      windowEnd: "2026-03-02T06:00:00.000Z",
      subject: "treatywatch digest 2026-03-02: 1 story",
    });
    expect(event.data.stories.map((s) => s.id)).toEqual(["st_1"]);
  });

  it("does not build before the subscriber's local send hour, and builds the next day's after it", async () => {
    const { deps, clock } = arrange([story("st_1", { updatedAt: "2026-03-02T07:00:00.000Z" })]);
    clock.set(new Date("2026-03-03T05:59:00Z"));

    const early = await runDueDigests([DAILY], deps);
    clock.set(new Date("2026-03-03T06:00:00Z"));
    const due = await runDueDigests([DAILY], deps);

    expect(early.built).toEqual([]);
    expect(due.built).toHaveLength(1);
  });

  it("sends nothing for an empty window unless asked to", async () => {
    const quiet = arrange([story("st_far", { countries: ["UA"], updatedAt: "2026-03-01T12:00:00.000Z" })]);
    quiet.clock.set(new Date("2026-03-02T06:00:00Z"));
    const skipped = await runDueDigests([DAILY], quiet.deps);
    await quiet.close();

    const loud = arrange([], { sendEmpty: true });
    loud.clock.set(new Date("2026-03-02T06:00:00Z"));
    const sent = await runDueDigests([DAILY], loud.deps);

    expect(skipped).toEqual({ built: [], alreadyBuilt: 0, empty: 1 });
    expect(sent.built).toHaveLength(1);
    expect(JSON.parse(loud.deliveries.get(sent.built[0] ?? "")?.payload ?? "{}").data.subject).toContain("0 stories");
  });

  it("still sends a digest once when the run died after building it but before queueing it", async () => {
    const { deps, clock, queue, deliveries } = arrange([story("st_1", { updatedAt: "2026-03-01T12:00:00.000Z" })]);
    clock.set(new Date("2026-03-02T06:00:00Z"));
    const dying = { ...deps, queue: { send: async () => Promise.reject(new Error("worker killed")) } };

    await expect(runDueDigests([DAILY], dying)).rejects.toThrow("worker killed");
    const rerun = await runDueDigests([DAILY], deps);
    const swept = await enqueueDueDeliveries(queue, { deliveries, clock }, { limit: 10, leaseSeconds: 60 });

    expect(rerun.alreadyBuilt).toBe(1);
    expect(swept).toBe(1);
    expect(deliveries.forSubscription("sub_daily", 10)).toHaveLength(1);
  });

  it("reads each distinct window once for subscribers sharing it", async () => {
    const { deps, clock, asked } = arrange([]);
    clock.set(new Date("2026-03-02T06:00:00Z"));
    const twins = [DAILY, { ...DAILY, id: "sub_twin" }, subscription("sub_instant")];

    await runDueDigests(twins, { ...deps, sendEmpty: true });

    expect(asked).toEqual(["2026-03-01T06:00:00.000Z/2026-03-02T06:00:00.000Z"]);
  });

  it("reads a window's item summaries once, and gives each subscriber only the stories its filter wants", async () => {
    const stories = [
      story("st_lt", { countries: ["LT"], updatedAt: "2026-03-01T12:00:00.000Z" }),
      story("st_ua", { countries: ["UA"], updatedAt: "2026-03-01T13:00:00.000Z" }),
    ];
    const summaries: number[] = [];
    const { deps, clock, deliveries } = arrange(stories, {
      itemSummaries: async (ids) => {
        summaries.push(ids.length);
        return new Map();
      },
    });
    clock.set(new Date("2026-03-02T06:00:00Z"));
    const ukraine = { ...DAILY, id: "sub_ua", filter: { countries: ["UA"] } };
    const broken = { ...DAILY, id: "sub_broken", filter: { keywords: '"never closed' } };

    const run = await runDueDigests([DAILY, ukraine, broken], deps);

    const listed = run.built.map((id) =>
      DigestReadyEventSchema.parse(JSON.parse(deliveries.get(id)?.payload ?? "{}")).data.stories.map((s) => s.id),
    );
    expect(summaries).toHaveLength(1);
    // Keywords that do not parse filter nothing, as they always have.
    expect(listed).toEqual([["st_lt"], ["st_ua"], ["st_lt", "st_ua"]]);
  });
});
