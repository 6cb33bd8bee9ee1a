import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseEntry, plausibleDate, resolveLink, sharedKeys } from "./normalise.ts";
import { parserText } from "./parser-output.ts";
import { foldWhitespace, htmlToText } from "./text.ts";
import type { RawEntry } from "./types.ts";

const CONTEXT = { feedId: "fd_1", feedUrl: "https://news.example/feed.xml", fetchedAt: "2026-11-28T12:00:00.000Z" };

describe("parserText", () => {
  it.each([
    ["a string as it is", "Mines <b>cleared</b>", "Mines <b>cleared</b>"],
    ["a number written out", 2025, "2025"],
    ["an array's first element with text", [null, "", "first", "second"], "first"],
    ["xml2js text beside attributes", { _: "g-1", $: { isPermaLink: "false" } }, "g-1"],
    ["fast-xml-parser text", { "#text": "Kyiv", "@_lang": "en" }, "Kyiv"],
    ["BadgerFish text", { $: "Oslo" }, "Oslo"],
    [
      "inline xhtml, child elements after the text",
      { $: { type: "xhtml" }, div: [{ $: { xmlns: "http://www.w3.org/1999/xhtml" }, _: "Example ", b: ["Atom"] }] },
      "Example Atom",
    ],
    ["attributes only", { $: { href: "https://news.example/" } }, undefined],
    ["whitespace", " \n ", undefined],
    ["null", null, undefined],
    ["a boolean", true, undefined],
    ["a number that is not one", Number.NaN, undefined],
  ])("%s", (_case, value, text) => {
    expect(parserText(value)).toBe(text);
  });

  it("stops at markup nested deeper than any feed's", () => {
    let deep: unknown = "too deep";
    for (let level = 0; level < 10_000; level++) deep = { div: [deep] };

    expect(parserText({ _: "kept", span: deep })).toBe("kept");
  });
});

/** Any JSON, and the shapes XML parsers build: text with attributes, repeated elements, nested markup. */
const parserValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string(),
  fc.record({ _: fc.string(), $: fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }) }, { requiredKeys: [] }),
  fc.record({ "#text": fc.string(), "@_type": fc.constantFrom("html", "xhtml", "text") }, { requiredKeys: [] }),
  fc.array(fc.oneof(fc.string(), fc.record({ _: fc.string() })), { maxLength: 3 }),
  fc.record({
    div: fc.array(fc.record({ _: fc.string(), b: fc.array(fc.string(), { maxLength: 2 }) }), { maxLength: 2 }),
  }),
  fc.constantFrom(
    "<p>Mines &amp; <b>ordnance</b></p>",
    "<![CDATA[x]]>",
    "&#x1F4A3; &bogus; <",
    "\ud800 lone surrogate",
  ),
);

const entry: fc.Arbitrary<RawEntry> = fc.record(
  {
    guid: parserValue,
    link: fc.oneof(parserValue, fc.webUrl(), fc.constantFrom("/relative/1", "javascript:alert(1)", "http://[::1")),
    title: parserValue,
    summary: parserValue,
    contentHtml: parserValue,
    published: fc.oneof(
      parserValue,
      fc.date({ noInvalidDate: false }).map((date) => String(date)),
    ),
    author: parserValue,
    outlet: parserValue,
    language: parserValue,
  },
  { requiredKeys: [] },
);

/** Whether a field carries text our normalisation keeps (markup and whitespace alone do not count). */
const hasText = (value: unknown) => foldWhitespace(htmlToText(parserText(value) ?? "")) !== "";

describe("normaliseEntry on arbitrary parser output", () => {
  it("never throws, and an entry with a title, text or web link comes out as an item with a text title", () => {
    fc.assert(
      fc.property(entry, (raw) => {
        const item = normaliseEntry(raw, CONTEXT);
        const linked = resolveLink(parserText(raw.link), CONTEXT.feedUrl) !== undefined;
        if (hasText(raw.title) || hasText(raw.summary) || hasText(raw.contentHtml) || linked) {
          expect(item).toBeDefined();
          expect(typeof item?.title).toBe("string");
          expect(item?.title.trim()).not.toBe("");
          expect(typeof item?.summary).toBe("string");
        }
        if (item) {
          expect(item.id).toMatch(/^itm_/);
          expect(item.url === undefined || /^https?:/.test(item.url)).toBe(true);
          expect(item.publishedAt === undefined || !Number.isNaN(Date.parse(item.publishedAt))).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

describe("an entry's text", () => {
  it("is read from the content when the summary is markup alone", () => {
    const item = normaliseEntry({ summary: { _: "<br/>" }, contentHtml: "<p>Deminers clear a village</p>" }, CONTEXT);

    expect(item?.title).toBe("Deminers clear a village");
  });

  it("takes a title that reads as a tag alone as written, when no text stands in for it", () => {
    const alone = normaliseEntry({ title: " </mine-action>\n", link: "/m/1" }, CONTEXT);
    const withText = normaliseEntry({ title: "<img src='mine.png'>", summary: "Deminers clear a road" }, CONTEXT);
    const markup = normaliseEntry({ title: '<div xmlns="http://www.w3.org/1999/xhtml"/>', link: "/m/2" }, CONTEXT);
    const element = normaliseEntry({ title: "<p></p>", link: "/m/3" }, CONTEXT);
    const script = normaliseEntry({ title: "<script>alert(1)</script>", link: "/m/4" }, CONTEXT);

    expect([alone?.title, withText?.title, markup?.title, element?.title, script?.title]).toEqual([
      "</mine-action>",
      "Deminers clear a road",
      "https://news.example/m/2",
      "https://news.example/m/3",
      "https://news.example/m/4",
    ]);
  });

  it("is the entry's link when it has no title or text, and an entry with no link either is no item", () => {
    const linked = normaliseEntry({ guid: "tag:mines,7", link: "/mines/7" }, CONTEXT);
    const bare = normaliseEntry({ guid: "tag:mines,8", published: "2026-11-27T10:00:00Z" }, CONTEXT);

    expect(linked).toMatchObject({ title: "https://news.example/mines/7", url: "https://news.example/mines/7" });
    expect(bare).toBeUndefined();
  });
});

describe("entry identity", () => {
  const podcast = Array.from({ length: 131 }, (_, n) => ({
    guid: `episode-${n}`,
    link: "https://podcast.example/",
    title: `Episode ${n}`,
  }));

  it("is the GUID within the feed, so episodes sharing the show's home page stay apart", () => {
    const shared = sharedKeys(podcast, CONTEXT.feedUrl);
    const items = podcast.map((episode) => normaliseEntry(episode, { ...CONTEXT, shared }));

    expect(new Set(items.map((item) => item?.id)).size).toBe(131);
    expect(shared.links).toEqual(new Set(["https://podcast.example/"]));
    // A link every episode carries is no duplicate key: it would match them all.
    expect(items.every((item) => item?.canonicalUrl === undefined && item?.url === "https://podcast.example/")).toBe(
      true,
    );
  });

  it("falls back on the content for entries without a GUID whose link is shared", () => {
    const entries = [
      { link: "https://outlet.example/", title: "Mines cleared in Kharkiv" },
      { link: "https://outlet.example/", title: "Treaty withdrawal takes effect" },
    ];
    const shared = sharedKeys(entries, CONTEXT.feedUrl);

    const [first, second] = entries.map((raw) => normaliseEntry(raw, { ...CONTEXT, shared }));

    expect(first?.id).not.toBe(second?.id);
  });

  it("does not take a GUID several entries share for an identity", () => {
    const entries = ["Single-session schools", "Work plan seminar"].map((title, n) => ({
      guid: "https://ministry.example/spotlight/",
      link: `https://ministry.example/spotlight/${n}`,
      title,
    }));
    const shared = sharedKeys(entries, CONTEXT.feedUrl);

    const items = entries.map((raw) => normaliseEntry(raw, { ...CONTEXT, shared }));

    expect(new Set(items.map((item) => item?.id)).size).toBe(2);
    expect(items.map((item) => item?.guid)).toEqual([undefined, undefined]);
  });

  it("keeps the id of an entry whose title changes", () => {
    const before = normaliseEntry({ guid: "g-7", title: "Mines cleared" }, CONTEXT);
    const after = normaliseEntry({ guid: "g-7", title: "Mines cleared near Izium" }, CONTEXT);

    expect(after?.id).toBe(before?.id);
    expect(after?.contentHash).not.toBe(before?.contentHash);
  });
});

describe("plausibleDate, on a machine west of UTC", () => {
  const FETCHED = "2026-11-28T12:00:00.000Z";
  // The zone this process reads dates in: a date must not depend on it.
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = "America/New_York";
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  it.each([
    ["an RFC 822 date with its zone", "Thu, 07 Dec 17 10:00:29 -0800", "2017-12-07T18:00:29.000Z"],
    ["an ISO date with its offset", "2016-12-12T16:30:04.445+01:00", "2016-12-12T15:30:04.445Z"],
    ["a date alone, as UTC", "2018-09-18", "2018-09-18T00:00:00.000Z"],
    ["an ISO date and time with no zone, as UTC", "2018-09-18 14:38:10", "2018-09-18T14:38:10.000Z"],
    ["an ISO date and time with T and no zone, as UTC", "2018-09-18T14:38", "2018-09-18T14:38:00.000Z"],
    ["an RFC 822 date with no zone, as UTC", "Wed, 03 Jan 2018 13:47:00", "2018-01-03T13:47:00.000Z"],
    ["a slashed date that can only be day first", "13/02/2013 12:00:00", "2013-02-13T12:00:00.000Z"],
    ["a slashed date with day and month alike", "02/02/2013 12:00:00", "2013-02-02T12:00:00.000Z"],
    ["a slashed date either way round", "08/02/2013 12:00:00", undefined],
    ["a date before 1990", "Mon, 01 Jan 1980 00:00:00 GMT", undefined],
    ["words", "soon", undefined],
    ["a French weekday and month", "mer., 12 mars 2025 08:30:00 +0100", "2025-03-12T07:30:00.000Z"],
    ["a German weekday and month", "Do, 3 Okt 2024 14:00:00 +0200", "2024-10-03T12:00:00.000Z"],
    ["a Spanish date with de, as UTC", "lun, 7 de abril de 2025 10:00", "2025-04-07T10:00:00.000Z"],
    ["a Russian date with г., as UTC", "15 ноября 2024 г. 09:15", "2024-11-15T09:15:00.000Z"],
    ["a Ukrainian date, as UTC", "3 березня 2025 12:00", "2025-03-03T12:00:00.000Z"],
    ["a Russian month cut short as CLDR cuts it", "7 нояб. 2024 10:00 +0300", "2024-11-07T07:00:00.000Z"],
    ["a Ukrainian month cut short as CLDR cuts it", "5 квіт. 2025 08:00 +0300", "2025-04-05T05:00:00.000Z"],
    ["a Portuguese weekday and month", "qua, 5 fev 2025 10:00:00 -0300", "2025-02-05T13:00:00.000Z"],
    ["an Italian weekday and month", "gio, 6 giugno 2024 08:00:00 +0200", "2024-06-06T06:00:00.000Z"],
    ["a named zone", "Tue, 01 Jul 2025 09:00:00 Europe/Paris", "2025-07-01T07:00:00.000Z"],
    ["an ordinal day and p.m.", "June 3rd, 2025, 4:05 p.m.", "2025-06-03T16:05:00.000Z"],
    ["a weekday, a dash and a run-on pm", "Monday, June 2, 2025 - 4:05pm", "2025-06-02T16:05:00.000Z"],
    ["a zoneless time with PM, as UTC", "March 7 2025 07:30:00 PM", "2025-03-07T19:30:00.000Z"],
    ["a date alone in words, as UTC", "Friday 7 March 2025", "2025-03-07T00:00:00.000Z"],
    ["a dotted date, day first", "24.12.2024 18:00", "2024-12-24T18:00:00.000Z"],
    ["a dashed date with a month name, as UTC", "Tue, 04-Mar-2025 10:00:00", "2025-03-04T10:00:00.000Z"],
    ["a dashed date that can only be day first, as UTC", "13-02-2013 10:00", "2013-02-13T10:00:00.000Z"],
    ["a dashed numeric date either way round", "02-01-2025 10:00", undefined],
    ["an offset followed by a stray Z", "2025-01-02T03:04:05+02:00Z", "2025-01-02T01:04:05.000Z"],
    ["seconds since the epoch", "1735689600", "2025-01-01T00:00:00.000Z"],
    ["a weekday before a slashed date either way round", "Wed, 05/06/2024 10:00", undefined],
    ["a spaced numeric date either way round", "Wed, 05 06 2024 10:00:00 +0000", undefined],
  ])("%s", (_case, raw, date) => {
    expect(plausibleDate(raw, FETCHED)).toBe(date);
  });
});
