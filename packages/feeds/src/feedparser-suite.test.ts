import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  foldWhitespace,
  htmlToText,
  type Item,
  normaliseEntry,
  plausibleDate,
  resolveLink,
  sharedKeys,
} from "@treatywatch/core";
import { afterAll, describe, expect, it } from "vitest";
import { filesUnder, SHARED_CORPUS } from "../test/shared-corpus.ts";
import { type Comparison, expectationOf, type Literal, parseExpectation } from "./feedparser-expect.ts";
import { type FeedEntry, type ParsedFeed, parseFeed } from "./parse.ts";

/**
 * Python feedparser's own test documents (`../shared/corpus/feedparser-tests`, read in place),
 * as a peer's test suite: each goes through our parse and normalise steps, none may crash, and
 * where its expectation names a field we read (feed title and link; entry title, link, id,
 * summary, content, dates), our value must agree, allowing only for our text normalisation.
 */
const SUITE = join(SHARED_CORPUS, "feedparser-tests");
const FETCHED_AT = "2026-11-28T12:00:00.000Z";
/** feedparser resolves relative links against the document's own URL in its tests. */
const DOCUMENT_URL = "http://127.0.0.1:8097/";

/**
 * The expectations on our fields we do not meet, and why we accept that. A file listed here
 * must still disagree: one that comes to agree is to be taken off.
 */
const ACCEPTED: Array<{ reason: string; files: string[] }> = [
  {
    reason:
      "the expectation rests on the Content-Location header feedparser's harness serves with the document; we resolve against the URL fetched",
    files: [
      "wellformed/base/http_channel_link_base_content_location.xml",
      "wellformed/base/http_entry_id_base_content_location.xml",
      "wellformed/base/http_item_link_base_content_location.xml",
    ],
  },
  {
    reason: "an id is an identifier, not a link: we keep it as written and never resolve it",
    files: ["wellformed/base/http_entry_id_base_docuri.xml"],
  },
  {
    reason: "CDF (Microsoft's 1997 Channel Definition Format) is not a feed format we read",
    files: [
      "wellformed/cdf/channel_href_map_link.xml",
      "wellformed/cdf/channel_title.xml",
      "wellformed/cdf/item_abstract_map_description.xml",
      "wellformed/cdf/item_abstract_map_summary.xml",
      "wellformed/cdf/item_href_map_link.xml",
      "wellformed/cdf/item_lastmod.xml",
      "wellformed/cdf/item_lastmod_parsed.xml",
      "wellformed/cdf/item_title.xml",
    ],
  },
  {
    reason: "<TiTlE>: XML names are case-sensitive, and so is our parser",
    files: ["wellformed/itunes/itunes_core_element_uppercase.xml"],
  },
  {
    reason: "an element given twice: we read the first, feedparser the last",
    files: ["wellformed/atom/entry_created_multiple_values.xml", "wellformed/atom/entry_updated_multiple_values.xml"],
  },
  {
    reason: "a title whose only HTML is an image has no text once normalised",
    files: ["wellformed/atom10/tag_in_attr.xml"],
  },
  {
    reason:
      "an RSS item with both <description> and <summary>: feedparser makes one the content; we read <summary> as the summary",
    files: ["wellformed/rss/item_description_and_summary.xml", "wellformed/rss/item_summary_and_description.xml"],
  },
];

const acceptedReason = (file: string) => ACCEPTED.find((group) => group.files.includes(file))?.reason;

/** Text as our normalisation leaves it: markup stripped, entities decoded, whitespace folded. */
const text = (value: string | undefined) => foldWhitespace(htmlToText(value ?? ""));

function sameLink(ours: string | undefined, expected: string): boolean {
  if (ours === expected) return true;
  try {
    return ours !== undefined && new URL(ours).href === new URL(expected, DOCUMENT_URL).href;
  } catch {
    return false;
  }
}

/** A time feedparser gives as a string or as a `time.struct_time` tuple (UTC). */
function expectedTime(expected: Literal): number | undefined {
  if (typeof expected === "string") return Date.parse(expected);
  if (Array.isArray(expected)) {
    const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = expected;
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }
  return undefined;
}

interface Reading {
  feed: ParsedFeed;
  items: Array<Item | undefined>;
}

type Check = (reading: Reading, index: number, expected: Literal) => boolean;

const entry = (reading: Reading, index: number): FeedEntry | undefined => reading.feed.entries[index];
/**
 * A field we read as markup (a summary, content) against the expected value: feedparser's value
 * is markup for an HTML field and text for a text one (`History of the <blink> tag`), so ours
 * meets it as either, normalised.
 */
const textIs = (value: string | undefined, expected: Literal) =>
  typeof expected === "string" && (text(value) === text(expected) || text(value) === foldWhitespace(expected));
/** A field our steps already made plain text (titles) against the expected value, as markup or as text. */
const plainIs = (value: string | undefined, expected: Literal) =>
  typeof expected === "string" &&
  value !== undefined &&
  (value === text(expected) || value === foldWhitespace(expected));

/** The fields we read, by the path feedparser names them with; anything else is not ours to check. */
const FIELDS: Record<string, Check> = {
  "feed.title": (reading, _index, expected) => plainIs(reading.feed.title, expected),
  "feed.title_detail.value": (reading, _index, expected) => plainIs(reading.feed.title, expected),
  "feed.link": (reading, _index, expected) => typeof expected === "string" && sameLink(reading.feed.link, expected),
  "entries.title": (reading, index, expected) => plainIs(reading.items[index]?.title, expected),
  "entries.title_detail.value": (reading, index, expected) => plainIs(reading.items[index]?.title, expected),
  "entries.link": (reading, index, expected) =>
    typeof expected === "string" && sameLink(resolveLink(entry(reading, index)?.link, DOCUMENT_URL), expected),
  "entries.id": (reading, index, expected) => entry(reading, index)?.guid === expected,
  "entries.guid": (reading, index, expected) => entry(reading, index)?.guid === expected,
  "entries.summary": (reading, index, expected) => textIs(body(reading, index), expected),
  "entries.description": (reading, index, expected) => textIs(body(reading, index), expected),
  "entries.summary_detail.value": (reading, index, expected) => textIs(body(reading, index), expected),
  "entries.content.0.value": (reading, index, expected) =>
    textIs(entry(reading, index)?.contentHtml, expected) || textIs(body(reading, index), expected),
  ...Object.fromEntries(
    ["published", "updated", "issued", "modified", "created", "date"].flatMap((field) => {
      const check: Check = (reading, index, expected) => {
        // Read as normaliseEntry reads it, also for an entry with no title or text to be an item.
        const ours = plausibleDate(entry(reading, index)?.published, FETCHED_AT);
        return ours !== undefined && Date.parse(ours) === expectedTime(expected);
      };
      return [
        [`entries.${field}`, check],
        [`entries.${field}_parsed`, check],
      ];
    }),
  ),
};

/** An entry's summary as we read it: the summary, else the content. */
const body = (reading: Reading, index: number) => entry(reading, index)?.summary ?? entry(reading, index)?.contentHtml;

function fieldOf(comparison: Comparison): { check: Check; index: number } | undefined {
  const [root, ...rest] = comparison.path;
  const index = root === "entries" && typeof rest[0] === "number" ? rest.shift() : 0;
  const key = [root, ...rest].join(".");
  const check = FIELDS[key];
  return check && typeof index === "number" ? { check, index } : undefined;
}

const summary = { read: 0, crashed: 0, expectations: 0, met: 0 };
const unmet: string[] = [];
const crashes: string[] = [];

if (!existsSync(SUITE)) console.info(`feedparser suite: skipped, ${SUITE} is absent`);

describe.skipIf(!existsSync(SUITE))("Python feedparser's test documents", () => {
  const files = existsSync(SUITE) ? filesUnder(SUITE, /\.xml$/) : [];

  afterAll(() => {
    console.info(
      `feedparser suite: ${summary.read} read, ${summary.crashed} crashed, ` +
        `${summary.met}/${summary.expectations} expectations on our fields met` +
        (unmet.length ? `\nunmet:\n  ${unmet.join("\n  ")}` : ""),
    );
  });

  it("has the suite's documents", () => {
    expect(files.length).toBeGreaterThanOrEqual(1_000);
  });

  it("reads every document without a crash, and meets the expectations on the fields we read", async () => {
    const surprises: string[] = [];
    const stale = new Set(ACCEPTED.flatMap((group) => group.files));
    for (const path of files) {
      const name = relative(SUITE, path);
      const bytes = readFileSync(path);
      let reading: Reading | undefined;
      try {
        summary.read++;
        const result = await parseFeed(bytes, "application/xml", { url: DOCUMENT_URL });
        if (result.ok) {
          const shared = sharedKeys(result.feed.entries, DOCUMENT_URL);
          const context = { feedId: name, feedUrl: DOCUMENT_URL, fetchedAt: FETCHED_AT, shared };
          reading = { feed: result.feed, items: result.feed.entries.map((raw) => normaliseEntry(raw, context)) };
        } else expect(result.error.message).not.toMatch(/\n/);
      } catch (error) {
        summary.crashed++;
        crashes.push(`${name}: ${error instanceof Error ? error.stack : String(error)}`);
        continue;
      }
      const expression = expectationOf(bytes.toString("latin1")) ?? "";
      let failed = false;
      for (const clause of parseExpectation(expression)) {
        const fields = clause.map(fieldOf);
        if (fields.some((field) => field === undefined)) continue;
        summary.expectations++;
        const met =
          reading !== undefined &&
          clause.some((comparison, i) => {
            const field = fields[i];
            return (
              field !== undefined && reading !== undefined && field.check(reading, field.index, comparison.expected)
            );
          });
        if (met) summary.met++;
        else failed = true;
      }
      if (!failed) continue;
      const reason = acceptedReason(name);
      stale.delete(name);
      unmet.push(`${name}: ${expression}${reason ? ` (accepted: ${reason})` : ""}`);
      if (!reason) surprises.push(`${name}: ${expression}`);
    }

    expect(crashes).toEqual([]);
    expect(surprises, "expectations on our fields not met and not accepted").toEqual([]);
    expect([...stale], "accepted disagreements that now agree: take them off the list").toEqual([]);
  });
});
