import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { dataVersionOf, SharedDataVersion } from "./data-version.ts";

/** A version source that counts its reads; `current` is what the next read returns. */
function counted(initial = "v1") {
  const source = { current: initial, reads: 0 };
  const reader = new SharedDataVersion(() => {
    source.reads++;
    return source.current;
  });
  return { source, reader };
}

describe("SharedDataVersion", () => {
  it("answers calls made in one turn with one read", async () => {
    const { source, reader } = counted();

    const versions = await Promise.all([reader.next(), reader.next(), reader.next()]);

    expect(versions).toEqual(["v1", "v1", "v1"]);
    expect(source.reads).toBe(1);
  });

  it("reads after the call, so a commit between a request's arrival and its answer is seen", async () => {
    const { source, reader } = counted();

    const pending = reader.next();
    source.current = "v2";

    expect(await pending).toBe("v2");
  });

  it("reads again for a call made after the last read", async () => {
    const { source, reader } = counted();
    const first = await reader.next();
    source.current = "v2";

    const second = await reader.next();

    expect([first, second]).toEqual(["v1", "v2"]);
    expect(source.reads).toBe(2);
  });

  it("rejects every waiting call when the read fails, and reads again on the next", async () => {
    let failing = true;
    const reader = new SharedDataVersion(() => {
      if (failing) throw new Error("database is closed");
      return "v1";
    });

    const outcomes = await Promise.allSettled([reader.next(), reader.next()]);
    failing = false;

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(await reader.next()).toBe("v1");
  });
});

describe("dataVersionOf", () => {
  it("follows the store's own writes", async () => {
    const store = new SqliteStore(":memory:");
    const before = await dataVersionOf(store);
    await store.addFeed("https://example.org/feed.xml", "2025-07-01T12:00:00.000Z");

    const after = await dataVersionOf(store);

    expect(before).toBeDefined();
    expect(after).not.toBe(before);
    await store.close();
  });

  it("is undefined for a store that keeps no version", async () => {
    const store = new SqliteStore(":memory:");
    const versionless = Object.assign(Object.create(store), { dataVersion: undefined });

    expect(await dataVersionOf(versionless)).toBeUndefined();
    await store.close();
  });
});
