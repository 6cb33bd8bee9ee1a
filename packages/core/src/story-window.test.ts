import { describe, expect, it } from "vitest";
import type { Fingerprint } from "./cluster.ts";
import { seeded } from "./seeded.ts";
import { StoryWindow } from "./story-window.ts";

const print = (at: string, countries: string[]): Fingerprint => ({ at, countries, treaties: [], topics: [] });

function windowOf(members: ReadonlyArray<[storyId: string, at: string, countries: string[]]>): StoryWindow {
  const window = new StoryWindow();
  members.forEach(([storyId, at, countries], seq) => {
    window.add({ storyId, itemId: `itm_${seq}`, fingerprint: print(at, countries), seq });
  });
  return window;
}

describe("StoryWindow.rank", () => {
  it("ranks by keys shared, then by the latest time seen under them, then by id, and keeps the first `limit`", () => {
    const window = windowOf([
      ["sty_c", "2026-11-28T10:00:00.000Z", ["UA"]],
      ["sty_b", "2026-11-28T11:00:00.000Z", ["UA", "PL"]],
      ["sty_a", "2026-11-28T11:00:00.000Z", ["UA", "PL"]],
      ["sty_d", "2026-11-28T12:00:00.000Z", ["PL"]],
      ["sty_e", "2026-11-28T09:00:00.000Z", ["UA"]],
    ]);
    const keys = ["c:UA", "c:PL"];
    expect(window.rank(keys, "2026-11-28T00:00:00.000Z", 10)).toEqual(["sty_a", "sty_b", "sty_d", "sty_c", "sty_e"]);
    expect(window.rank(keys, "2026-11-28T00:00:00.000Z", 3)).toEqual(["sty_a", "sty_b", "sty_d"]);
    expect(window.rank(keys, "2026-11-28T10:00:00.000Z", 10)).toEqual(["sty_a", "sty_b", "sty_d", "sty_c"]);
    expect(window.rank(keys, "2026-11-28T00:00:00.000Z", 0)).toEqual([]);
  });

  it("compares times as their strings compare, as the store's tables do, whatever form they are written in", () => {
    // "…12:00:00Z" sorts after "…12:00:00.500Z" as a string, though it is the earlier time.
    const window = windowOf([
      ["sty_early", "2026-11-28T11:00:00.000Z", ["UA"]],
      ["sty_short", "2026-11-28T12:00:00Z", ["UA"]],
    ]);
    expect(window.rank(["c:UA"], "2026-11-28T12:00:00.500Z", 10)).toEqual(["sty_short"]);
    window.add({
      storyId: "sty_late",
      itemId: "itm_late",
      fingerprint: print("2026-11-28T13:00:00.000Z", ["UA"]),
      seq: 9,
    });
    expect(window.rank(["c:UA"], "2026-11-28T11:30:00.000Z", 10)).toEqual(["sty_late", "sty_short"]);
    window.evictBefore("2026-11-28T12:00:00.500Z");
    expect(window.rank(["c:UA"], "2026-11-28T00:00:00.000Z", 10)).toEqual(["sty_late", "sty_short"]);
  });

  it("ranks the same once a time in another form has been met as before it", () => {
    const members: Array<[string, string, string[]]> = [
      ["sty_1", "2026-11-28T10:00:00.000Z", ["UA", "PL"]],
      ["sty_2", "2026-11-28T10:30:00.000Z", ["UA"]],
      ["sty_3", "2026-11-28T09:00:00.000Z", ["PL"]],
    ];
    const plain = windowOf(members);
    const mixed = windowOf(members);
    mixed.rank(["c:XX"], "2026-11-28T00:00:00Z", 1);
    for (const since of ["2026-11-28T00:00:00.000Z", "2026-11-28T09:30:00.000Z", "2026-11-28T10:15:00.000Z"]) {
      expect(mixed.rank(["c:UA", "c:PL"], since, 10)).toEqual(plain.rank(["c:UA", "c:PL"], since, 10));
    }
  });
});

describe("StoryWindow.merge", () => {
  const members: Array<[string, string, string[]]> = [
    ["sty_kept", "2026-11-28T10:00:00.000Z", ["UA", "PL"]],
    ["sty_gone", "2026-11-28T11:00:00.000Z", ["UA"]],
    ["sty_other", "2026-11-28T10:30:00.000Z", ["PL"]],
    ["sty_kept", "2026-11-28T09:00:00.000Z", ["LT"]],
    ["sty_gone", "2026-11-28T09:30:00.000Z", ["PL", "LT"]],
  ];
  const relabelled = members.map(([storyId, at, countries]): [string, string, string[]] => [
    storyId === "sty_gone" ? "sty_kept" : storyId,
    at,
    countries,
  ]);

  it("answers every lookup as a window whose absorbed story's members were the survivor's all along", () => {
    const merged = windowOf(members);
    const built = windowOf(relabelled);

    merged.merge("sty_kept", "sty_gone");

    expect(merged.entries).toBe(built.entries);
    for (const keys of [["c:UA"], ["c:PL"], ["c:LT"], ["c:UA", "c:PL", "c:LT"]]) {
      for (const since of ["2026-11-28T00:00:00.000Z", "2026-11-28T09:45:00.000Z", "2026-11-28T10:45:00.000Z"]) {
        const ranked = merged.rank(keys, since, 10);
        expect(ranked).toEqual(built.rank(keys, since, 10));
        expect(ranked).not.toContain("sty_gone");
        expect(merged.candidates(ranked)).toEqual(built.candidates(ranked));
      }
    }
  });

  it("keeps the survivor's members known only when both stories' were", () => {
    const window = windowOf(members);
    const member = (storyId: string, at: string, seq: number) => ({
      storyId,
      itemId: `itm_${seq}`,
      fingerprint: print(at, ["UA"]),
      seq,
    });
    window.setNewest("sty_kept", [member("sty_kept", "2026-11-28T10:00:00.000Z", 0)]);

    window.merge("sty_kept", "sty_gone");

    expect(window.complete("sty_kept")).toBe(false);
    window.setNewest("sty_other", [member("sty_other", "2026-11-28T10:30:00.000Z", 2)]);
    window.setNewest("sty_kept", [member("sty_kept", "2026-11-28T10:00:00.000Z", 0)]);
    window.merge("sty_kept", "sty_other");
    expect(window.complete("sty_kept")).toBe(true);
    expect(window.candidates(["sty_kept"])[0]?.fingerprints.map((fp) => fp.at)).toEqual([
      "2026-11-28T10:30:00.000Z",
      "2026-11-28T10:00:00.000Z",
    ]);
  });

  it("changes nothing when a story is merged into itself or was never seen", () => {
    const window = windowOf(members);
    const before = window.rank(["c:UA", "c:PL"], "2026-11-28T00:00:00.000Z", 10);

    window.merge("sty_kept", "sty_kept");
    window.merge("sty_kept", "sty_unknown");

    expect(window.rank(["c:UA", "c:PL"], "2026-11-28T00:00:00.000Z", 10)).toEqual(before);
  });
});

/**
 * The window's lookup as its definition reads: for each key, each story's latest time under it,
 * compared as strings; ranked by keys shared, then the latest time, then the id.
 */
class ObviousWindow {
  readonly byKey = new Map<string, Map<string, string>>();

  add(storyId: string, keys: readonly string[], at: string): void {
    for (const key of keys) {
      const stories = this.byKey.get(key) ?? new Map<string, string>();
      this.byKey.set(key, stories);
      const seen = stories.get(storyId);
      if (seen === undefined || at > seen) stories.set(storyId, at);
    }
  }

  merge(into: string, from: string): void {
    if (into === from) return;
    for (const stories of this.byKey.values()) {
      const at = stories.get(from);
      if (at === undefined) continue;
      stories.delete(from);
      const seen = stories.get(into);
      if (seen === undefined || at > seen) stories.set(into, at);
    }
  }

  evictBefore(cutoff: string): void {
    for (const stories of this.byKey.values()) {
      for (const [storyId, at] of stories) if (at < cutoff) stories.delete(storyId);
    }
  }

  get entries(): number {
    let count = 0;
    for (const stories of this.byKey.values()) count += stories.size;
    return count;
  }

  rank(keys: readonly string[], since: string, limit: number): string[] {
    const met = new Map<string, { count: number; at: string }>();
    for (const key of new Set(keys)) {
      for (const [storyId, at] of this.byKey.get(key) ?? []) {
        if (at < since) continue;
        const tally = met.get(storyId);
        if (!tally) met.set(storyId, { count: 1, at });
        else {
          tally.count++;
          if (at > tally.at) tally.at = at;
        }
      }
    }
    return [...met]
      .sort(([a, x], [b, y]) =>
        x.count !== y.count ? y.count - x.count : x.at !== y.at ? (x.at > y.at ? -1 : 1) : a < b ? -1 : 1,
      )
      .slice(0, Math.max(limit, 0))
      .map(([storyId]) => storyId);
  }
}

describe("StoryWindow against its definition", () => {
  const HOUR = 3_600_000;
  const start = Date.parse("2026-11-01T00:00:00.000Z");

  describe.each([
    ["every time in toISOString's form", false],
    ["some times in another form", true],
  ])("with %s", (_, otherForms) => {
    it("ranks as the obvious window does through adds, repeats, merges and evictions out of order", () => {
      const random = seeded(otherForms ? 11 : 7);
      const window = new StoryWindow();
      const obvious = new ObviousWindow();
      const countries = ["UA", "PL", "LT", "LV", "FI", "EE", "DE", "FR"];
      const keysOf = () => countries.filter(() => random() < 0.3).map((country) => `c:${country}`);
      const timeOf = (hours: number) => {
        const iso = new Date(start + hours * HOUR).toISOString();
        return otherForms && random() < 0.05 ? iso.replace(/\.\d{3}Z$/, "Z") : iso;
      };
      let clock = 0;
      for (let step = 0; step < 3_000; step++) {
        // Time runs forward with news arriving up to a day late, as feeds deliver it.
        clock += random() * 0.5;
        const at = timeOf(clock - random() * 24);
        const storyId = `sty_${Math.floor(random() * 200)}`;
        const keys = keysOf();
        const fingerprint: Fingerprint = {
          at,
          countries: keys.map((key) => key.slice(2)),
          treaties: [],
          topics: [],
        };
        window.add({ storyId, itemId: `itm_${step}`, fingerprint, seq: step });
        obvious.add(storyId, keys, at);
        const roll = random();
        if (roll < 0.05) {
          const from = `sty_${Math.floor(random() * 200)}`;
          window.merge(storyId, from);
          obvious.merge(storyId, from);
        } else if (roll < 0.07) {
          const cutoff = timeOf(clock - 72);
          window.evictBefore(cutoff);
          obvious.evictBefore(cutoff);
        }
        const since = timeOf(clock - 24 - random() * 72);
        const lookup = [...keysOf(), ...keysOf()];
        const limit = Math.floor(random() * 20);
        expect(window.rank(lookup, since, limit)).toEqual(obvious.rank(lookup, since, limit));
        expect(window.entries).toBe(obvious.entries);
      }
    });
  });
});
