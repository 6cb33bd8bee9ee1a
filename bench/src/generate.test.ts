import { parseFeed } from "@treatywatch/feeds";
import { describe, expect, it } from "vitest";
import { chunk, generateEntries, toRss } from "./generate.ts";

const OPTIONS = { seed: 7, end: new Date("2026-11-28T12:00:00Z"), perDay: 24 };

describe("generateEntries", () => {
  it("gives the same corpus for the same seed and another for another seed", () => {
    expect(generateEntries(50, OPTIONS)).toEqual(generateEntries(50, OPTIONS));
    expect(generateEntries(50, { ...OPTIONS, seed: 8 })).not.toEqual(generateEntries(50, OPTIONS));
  });

  it("spreads entries evenly up to the end, oldest first, each with its own guid", () => {
    const entries = generateEntries(48, OPTIONS);
    const times = entries.map((entry) => Date.parse(entry.published));

    expect(new Set(entries.map((entry) => entry.guid)).size).toBe(48);
    expect(times[1] ?? 0).toBeGreaterThan(times[0] ?? 0);
    expect(times.at(-1)).toBe(Date.parse("2026-11-28T11:00:00Z"));
  });
});

describe("toRss", () => {
  it("writes a feed the parser reads back entry for entry", async () => {
    const entries = generateEntries(20, OPTIONS);

    const parsed = await parseFeed(toRss("Bench & Co", entries), "application/rss+xml");

    expect(parsed.ok && parsed.feed.title).toBe("Bench & Co");
    expect(parsed.ok && parsed.feed.entries.map((entry) => entry.title)).toEqual(entries.map((entry) => entry.title));
  });
});

describe("chunk", () => {
  it.each([
    [5, 2, [2, 2, 1]],
    [4, 4, [4]],
    [0, 3, []],
  ])("cuts %i values into pieces of %i", (count, size, lengths) => {
    const values = Array.from({ length: count }, (_, index) => index);

    expect(chunk(values, size).map((piece) => piece.length)).toEqual(lengths);
  });
});
