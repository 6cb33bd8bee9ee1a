import { describe, expect, it } from "vitest";
import { codedEtag, etagMatches, negotiateCoding, RenderedCache, strongEtag } from "./rendered-cache.ts";

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe("etagMatches", () => {
  it.each([
    [undefined, false],
    ["", false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"other", "abc"', true],
    ['"other"', false],
    ["*", true],
    ["abc", false],
  ])('If-None-Match %s against "abc" → %s', (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });
});

describe("etagMatches across codings", () => {
  it.each([
    ['"abc-gzip"', true],
    ['W/"abc-br"', true],
    ['"abd-gzip"', false],
  ])('If-None-Match %s against "abc" → %s', (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });

  it("names each coding of a page apart", () => {
    expect([codedEtag('"abc"', undefined), codedEtag('"abc"', "gzip"), codedEtag('"abc"', "br")]).toEqual([
      '"abc"',
      '"abc-gzip"',
      '"abc-br"',
    ]);
  });
});

describe("negotiateCoding", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["gzip", "gzip"],
    ["x-gzip", "gzip"],
    ["gzip, br", "br"],
    ["br;q=0, gzip", "gzip"],
    ["BR ; Q=0.5", "br"],
    ["*", "br"],
    ["*;q=0", undefined],
    ["br;q=0, gzip;q=0, *", undefined],
    ["identity, deflate", undefined],
  ] as const)("Accept-Encoding %s → %s", (header, expected) => {
    expect(negotiateCoding(header)).toBe(expected);
  });
});

describe("strongEtag", () => {
  it("is the same for the same bytes and differs for different bytes", () => {
    const encode = (value: string) => new TextEncoder().encode(value);

    expect(strongEtag(encode("{}"))).toBe(strongEtag(encode("{}")));
    expect(strongEtag(encode("{}"))).not.toBe(strongEtag(encode("[]")));
  });
});

describe("RenderedCache", () => {
  const renderer = () => {
    let calls = 0;
    return {
      render: async () => `page ${++calls}`,
      calls: () => calls,
    };
  };

  it("renders a key once while the version holds", async () => {
    const cache = new RenderedCache(4);
    const pages = renderer();

    const first = await cache.get("v1", "a", pages.render);
    const second = await cache.get("v1", "a", pages.render);

    expect(pages.calls()).toBe(1);
    expect(text(second.body)).toBe("page 1");
    expect(second.etag).toBe(first.etag);
  });

  it("renders again after the version changes", async () => {
    const cache = new RenderedCache(4);
    const pages = renderer();
    await cache.get("v1", "a", pages.render);

    const after = await cache.get("v2", "a", pages.render);

    expect(pages.calls()).toBe(2);
    expect(text(after.body)).toBe("page 2");
  });

  it("drops the oldest key when full", async () => {
    const cache = new RenderedCache(2);
    const pages = renderer();
    await cache.get("v1", "a", pages.render);
    await cache.get("v1", "b", pages.render);
    await cache.get("v1", "c", pages.render);

    await cache.get("v1", "c", pages.render);
    await cache.get("v1", "a", pages.render);

    expect(pages.calls()).toBe(4);
  });
});
