import { z } from "@hono/zod-openapi";
import { type Story, sha256Hex, topicName } from "@treatywatch/core";
import { Feed } from "feed";
import type { Context } from "hono";
import { escapeHtml } from "./page.ts";
import { etagMatches, notModified } from "./rendered-cache.ts";

export const FEED_FORMATS = ["atom", "rss", "json"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export const FeedFormatParam = z.enum(FEED_FORMATS).openapi({
  param: { name: "format", in: "path" },
  description: "`atom` (Atom 1.0), `rss` (RSS 2.0) or `json` (JSON Feed 1.1).",
});

const MEDIA_TYPES: Record<FeedFormat, string> = {
  atom: "application/atom+xml; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

/** The OpenAPI content of a feed response, in all three formats. */
export const FEED_CONTENT = {
  "application/atom+xml": { schema: z.string() },
  "application/rss+xml": { schema: z.string() },
  "application/feed+json": { schema: z.string() },
};

export interface FeedDescription {
  title: string;
  description: string;
  /** The feed's own URL without the format, e.g. https://…/v1/topics/mine-use/feed */
  selfBase: string;
  /** A query string the feed's own URLs end with, e.g. `?country=UA`. */
  selfQuery?: string | undefined;
  publicUrl: string;
}

/** The article dates a story's sources carried: the first published and the latest; absent when none carried one. */
function articleDates(story: Story): { published: Date; updated: Date } {
  const carried = story.sources
    .map((source) => (source.publishedAt ? Date.parse(source.publishedAt) : Number.NaN))
    .filter((time) => !Number.isNaN(time));
  if (carried.length === 0) return { published: new Date(story.firstSeenAt), updated: new Date(story.updatedAt) };
  return { published: new Date(Math.min(...carried)), updated: new Date(Math.max(...carried)) };
}

/** The entry's content: the summary, then every outlet that reported the story, each linked to its article. */
function storyContent(story: Story): string {
  const outlets = story.sources.map((source) => {
    const href = source.link && /^https?:\/\//.test(source.link) ? source.link : undefined;
    const title = escapeHtml(source.title);
    return `<li>${escapeHtml(source.outlet)}: ${href ? `<a href="${escapeHtml(href)}">${title}</a>` : title}</li>`;
  });
  return `${story.summary ? `<p>${escapeHtml(story.summary)}</p>` : ""}<p>Reported by:</p><ul>${outlets.join("")}</ul>`;
}

/**
 * Renders stories as one feed. An entry's id is the story's stable API URL; its link is
 * the first outlet's article and its content links every outlet's; its authors are the
 * outlets; its dates are the articles' own (first published, latest), not when they were read.
 */
export function renderFeed(stories: readonly Story[], about: FeedDescription, format: FeedFormat): string {
  const entries = stories.map((story) => ({ story, ...articleDates(story) }));
  const latest = Math.max(0, ...entries.map((entry) => entry.updated.getTime()));
  const feed = new Feed({
    id: `${about.selfBase}/${format}${about.selfQuery ?? ""}`,
    title: about.title,
    description: about.description,
    link: about.publicUrl,
    updated: new Date(latest),
    generator: "treatywatch",
    author: { name: "treatywatch", link: about.publicUrl },
    feedLinks: Object.fromEntries(FEED_FORMATS.map((f) => [f, `${about.selfBase}/${f}${about.selfQuery ?? ""}`])),
  });
  for (const { story, published, updated } of entries) {
    const storyUrl = `${about.publicUrl}/v1/stories/${story.id}`;
    const outlets = [...new Set(story.sources.map((source) => source.outlet))];
    feed.addItem({
      title: story.title,
      id: storyUrl,
      guid: storyUrl,
      link: story.sources.find((source) => source.link)?.link ?? storyUrl,
      description: story.summary || story.title,
      content: storyContent(story),
      date: updated,
      published,
      // RSS 2.0 wants an email address in <author>; its outlets go in dc:creator instead.
      ...(format === "rss"
        ? { extensions: [{ name: "dc:creator", objects: { _text: outlets.join(", ") } }] }
        : { author: outlets.map((outlet) => ({ name: outlet })) }),
      // Atom: the topic as term, its name as label; RSS: the topic in the taxonomy's domain; JSON Feed: tags by name.
      category: story.topics.map((topic) =>
        format === "rss"
          ? { name: topic, domain: `${about.publicUrl}/v1/taxonomy` }
          : { term: topic, name: topicName(topic), scheme: `${about.publicUrl}/v1/taxonomy` },
      ),
    });
  }
  if (format === "atom") return feed.atom1();
  if (format === "rss") return feed.rss2();
  return jsonFeed11(
    feed.json1(),
    entries.map(({ story }) => story),
  );
}

/** The feed library writes JSON Feed 1.0; 1.1 names `authors` as lists and allows a language per item. */
function jsonFeed11(json1: string, stories: readonly Story[]): string {
  const feed = JSON.parse(json1) as {
    version: string;
    author?: unknown;
    authors?: unknown[];
    items: Array<Record<string, unknown>>;
  };
  const { author, ...rest } = feed;
  return JSON.stringify(
    {
      ...rest,
      version: "https://jsonfeed.org/version/1.1",
      ...(author ? { authors: [author] } : {}),
      items: feed.items.map((item, index) => {
        const { author: _first, ...fields } = item;
        const story = stories[index];
        const outlets = [...new Set(story?.sources.map((source) => source.outlet) ?? [])];
        return { ...fields, authors: outlets.map((name) => ({ name })) };
      }),
    },
    null,
    2,
  );
}

/**
 * Answers with the feed, or 304 when the reader already holds this exact body (or sends
 * `If-None-Match: *`). A 304 carries the validators and no content type.
 */
export function feedResponse(c: Context, body: string, format: FeedFormat): Response {
  const etag = `"${sha256Hex(body).slice(0, 32)}"`;
  c.header("etag", etag);
  c.header("cache-control", "public, max-age=300");
  if (etagMatches(c.req.header("if-none-match"), etag)) return notModified(c);
  c.header("content-type", MEDIA_TYPES[format]);
  return c.body(body, 200);
}
