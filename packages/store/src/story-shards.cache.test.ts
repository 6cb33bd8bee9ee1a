import { describe, expect, it } from "vitest";
import { type Announcement, encodeEntries, type KnownStory, ShardCache } from "./dynamodb/shard-cache.ts";

const AT = "2025-06-29T18:00:00.000Z";

function publication(gen: number, keys: string[], stories: string[] = []): Announcement {
  return { gen, keys, entries: keys.map((key) => encodeEntries(new Map([[`sty_${key}_${gen}`, AT]]))), stories };
}

function story(id: string): KnownStory {
  return { id, story: () => ({ id }) as never, recent: [], revision: 0, stamps: {} };
}

const record = (storyId: string) => ({ entries: new Map([[storyId, AT]]), stamp: 1 });

/** A cache that has seen shard 1 at `gen` (written) and remembers its record of `k` and story `s`. */
function warm(gen = 1): ShardCache {
  const cache = new ShardCache();
  cache.observe(0, undefined, undefined);
  cache.observe(1, publication(gen, ["other"]), undefined, gen);
  cache.rememberRead(1, "k", record("sty_old"));
  cache.rememberStory(story("s"));
  return cache;
}

describe("what a warm story shard remembers", () => {
  it("takes the index records of a publication its claim says is written, as the claim gives them", () => {
    const cache = warm();

    expect(cache.observe(1, publication(2, ["k"], ["s"]), publication(1, ["other"]), 2)).toBe(true);

    expect([...(cache.indexRecord(1, "k")?.entries?.keys() ?? [])]).toEqual(["sty_k_2"]);
    expect(cache.indexRecord(1, "k")?.stamp).toBe(2);
    expect(cache.story("s")).toBeUndefined();
  });

  it("forgets the records of a publication not yet written, and takes them once its claim says they are", () => {
    const cache = warm();

    cache.observe(1, publication(2, ["k"]), publication(1, ["other"]), 1);
    expect(cache.indexRecord(1, "k")).toBeUndefined();
    cache.observe(1, publication(2, ["k"]), publication(1, ["other"]), 2);

    expect([...(cache.indexRecord(1, "k")?.entries?.keys() ?? [])]).toEqual(["sty_k_2"]);
  });

  it("never takes the records of a publication that was decided again instead of written", () => {
    const cache = warm();

    cache.observe(1, publication(2, ["k"]), publication(1, ["other"]), 1);
    cache.observe(1, publication(3, ["j"]), publication(2, ["k"]), 3);

    expect(cache.indexRecord(1, "k")).toBeUndefined();
    expect(cache.indexRecord(1, "j")?.stamp).toBe(3);
  });

  it("keeps a record no publication since rewrote", () => {
    const cache = warm();

    cache.observe(1, publication(3, ["x"]), publication(2, ["y"]), 3);

    expect(cache.indexRecord(1, "k")).toEqual(record("sty_old"));
    expect(cache.story("s")).toBeDefined();
  });

  it("forgets a shard whole, and every story, when its claim shows publications it never saw", () => {
    const cache = warm();
    cache.rememberRead(0, "k", record("sty_mine"));

    expect(cache.observe(1, publication(4, ["x"]), publication(3, ["y"]), 4)).toBe(false);

    expect(cache.indexRecord(1, "k")).toBeUndefined();
    expect(cache.story("s")).toBeUndefined();
    expect(cache.indexRecord(0, "k")).toEqual(record("sty_mine"));
  });

  it("does not remember a record read while a publication that may rewrite it is pending", () => {
    const cache = warm();
    cache.observe(1, publication(2, ["k"]), publication(1, ["other"]), 1);

    cache.rememberRead(1, "k", record("sty_read"));

    expect(cache.indexRecord(1, "k")).toBeUndefined();
  });

  it("remembers a story the shard wrote itself unless another shard's pending publication names it", () => {
    const cache = warm();
    cache.observe(1, publication(2, ["other"], ["t"]), publication(1, ["other"]), 1);

    cache.rememberStory(story("t"), 0);
    cache.rememberStory(story("u"), 0);

    expect(cache.story("t")).toBeUndefined();
    expect(cache.story("u")).toBeDefined();
  });

  it("trusts no claim of the form that did not count publications", () => {
    const cache = warm();

    expect(cache.observe(1, { ...publication(0, ["x"]) }, undefined)).toBe(false);
    cache.rememberRead(1, "k", record("sty_read"));

    expect(cache.indexRecord(1, "k")).toBeUndefined();
  });

  it("keeps no more records a shard than its limit, the least recently remembered going first", () => {
    const cache = new ShardCache({ indexRecords: 2 });
    cache.observe(1, undefined, undefined);

    for (const key of ["a", "b", "c"]) cache.rememberRead(1, key, record(key));

    expect(cache.indexRecord(1, "a")).toBeUndefined();
    expect(cache.indexRecord(1, "c")).toBeDefined();
  });

  it("never gives a story it knows was folded into another, and keeps the redirect", () => {
    const cache = warm();

    cache.rememberRedirect("s", "sty_kept");
    cache.rememberStory(story("s"));

    expect(cache.story("s")).toBeUndefined();
    expect(cache.redirect("s")).toBe("sty_kept");
  });

  it("after its own writes were cut short, forgets its own records and every story, keeping the others' records and redirects", () => {
    const cache = warm();
    cache.rememberWritten(0, "mine", record("sty_mine"));
    cache.rememberRedirect("gone", "sty_kept");

    cache.forgetShard(0);

    expect(cache.indexRecord(0, "mine")).toBeUndefined();
    expect(cache.story("s")).toBeUndefined();
    expect(cache.indexRecord(1, "k")).toEqual(record("sty_old"));
    expect(cache.redirect("gone")).toBe("sty_kept");
  });
});
