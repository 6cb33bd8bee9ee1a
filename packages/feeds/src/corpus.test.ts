import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  foldWhitespace,
  htmlToText,
  type Item,
  normaliseEntry,
  parserText,
  resolveLink,
  sharedKeys,
  textAsWritten,
} from "@treatywatch/core";
import { parseFeed as independentParse } from "feedsmith";
import { afterAll, describe, expect, it } from "vitest";
import { filesUnder, SHARED_CORPUS } from "../test/shared-corpus.ts";
import { decodeBody } from "./charset.ts";
import { parseFeed } from "./parse.ts";

/**
 * Real-world feeds collected beside the repository (`../shared/corpus/feeds`, read in place),
 * each read by our parse and normalise steps and checked against an independent parser,
 * feedsmith: the same number of entries, and the same first title.
 */
const CORPUS = join(SHARED_CORPUS, "feeds");
const FETCHED_AT = "2026-11-28T12:00:00.000Z";

const CONTENT_TYPES: Record<string, string> = {
  json: "application/feed+json",
  atom: "application/atom+xml",
  rss: "application/rss+xml",
  xml: "application/xml",
};

/**
 * Where we and feedsmith part, and why we accept it. Every other feed must agree; a listed
 * feed that comes to agree must be taken off the list.
 */
const ACCEPTED: Record<string, string> = {
  "feedjira__feedjira/ITunesWithSingleQuotedAttributes.xml":
    "not well-formed (an <itunes:category> never closed): we read XML strictly and record a parse error, where feedsmith guesses",
  "kurtmckee__feedparser/rss_version_091_netscape.xml":
    "an <rss> with no <channel>: we read an empty feed (feedparser too), feedsmith calls the format invalid",
};

/** A title as text our normalisation would keep: markup stripped, entities decoded, whitespace folded. */
const text = (value: unknown) => foldWhitespace(htmlToText(parserText(value) ?? ""));

interface Reading {
  entries: number;
  firstTitle: string;
}

/** What feedsmith reads: its entries (items in RSS, RDF and JSON Feed, entries in Atom) and the first one's title. */
function independentReading(body: string): Reading | { error: string } {
  try {
    const { feed } = independentParse(body) as { feed: { items?: unknown[]; entries?: unknown[] } };
    const entries = feed.items ?? feed.entries ?? [];
    // feedsmith gives an Atom title as { value, type }.
    const title = (entries[0] as { title?: unknown } | undefined)?.title;
    const value = typeof title === "object" && title !== null ? (title as { value?: unknown }).value : title;
    return { entries: entries.length, firstTitle: text(value) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const summary = { files: 0, read: 0, parseErrors: 0, items: 0, countsAgree: 0, titlesAgree: 0, compared: 0 };
const disagreements: string[] = [];

if (!existsSync(CORPUS)) console.info(`feed corpus: skipped, ${CORPUS} is absent`);

describe.skipIf(!existsSync(CORPUS))("the shared feed corpus, against an independent parser", () => {
  const files = existsSync(CORPUS) ? filesUnder(CORPUS, /\.(xml|rss|atom|json)$/i) : [];

  afterAll(() => {
    console.info(
      `feed corpus: ${summary.files} feeds, ${summary.read} read, ${summary.parseErrors} parse errors, ${summary.items} items; ` +
        `feedsmith agrees on the entry count of ${summary.countsAgree}/${summary.compared} and the first title of ${summary.titlesAgree}/${summary.compared}` +
        (disagreements.length ? `\naccepted disagreements:\n  ${disagreements.join("\n  ")}` : ""),
    );
  });

  it("has feeds to read", () => {
    expect(files.length).toBeGreaterThanOrEqual(59);
  });

  it.each(files.map((path) => [relative(CORPUS, path), path]))("%s", async (name, path) => {
    summary.files++;
    const extension = path.split(".").pop()?.toLowerCase() ?? "xml";
    const contentType = CONTENT_TYPES[extension];
    const feedUrl = `https://corpus.example/${name}`;
    const bytes = readFileSync(path);

    const result = await parseFeed(bytes, contentType, { url: feedUrl });
    const theirs = independentReading(decodeBody(bytes, contentType).text);

    if (!result.ok) {
      summary.parseErrors++;
      expect(result.error.message).not.toMatch(/\n/);
      expect(ACCEPTED[name], `${name}: ${result.error.message}`).toBeDefined();
      disagreements.push(`${name}: we refuse it (${result.error.message}): ${ACCEPTED[name]}`);
      return;
    }
    summary.read++;
    const shared = sharedKeys(result.feed.entries, feedUrl);
    const items = result.feed.entries
      .map((entry) => normaliseEntry(entry, { feedId: name, feedUrl, fetchedAt: FETCHED_AT, shared }))
      .filter((item): item is Item => item !== undefined);
    summary.items += items.length;
    // Every entry with a title, text or web link became an item, each with an identity of its own.
    const saying = result.feed.entries.filter(
      (entry) =>
        textAsWritten(parserText(entry.title) ?? "") ||
        text(entry.summary) ||
        text(entry.contentHtml) ||
        resolveLink(entry.link, feedUrl),
    );
    expect(items.length).toBe(saying.length);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    const ours: Reading = { entries: result.feed.entries.length, firstTitle: text(result.feed.entries[0]?.title) };

    if ("error" in theirs) {
      expect(ACCEPTED[name], `${name}: feedsmith: ${theirs.error}`).toBeDefined();
      disagreements.push(`${name}: feedsmith refuses it (${theirs.error}): ${ACCEPTED[name]}`);
      return;
    }
    summary.compared++;
    if (ours.entries === theirs.entries) summary.countsAgree++;
    if (ours.firstTitle === theirs.firstTitle) summary.titlesAgree++;
    const agree = ours.entries === theirs.entries && ours.firstTitle === theirs.firstTitle;
    if (ACCEPTED[name]) {
      expect(agree, `${name} now agrees: take it off the accepted list`).toBe(false);
      disagreements.push(`${name}: ${ACCEPTED[name]}`);
      return;
    }
    expect(ours).toEqual(theirs);
    if (items[0] && ours.firstTitle) expect(items[0].title).toBe(ours.firstTitle.slice(0, 500));
  });
});
