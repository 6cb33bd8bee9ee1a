import { z } from "@hono/zod-openapi";
import { type Story, sha256Hex } from "@treatywatch/core";
import { Feed } from "feed";
import type { Context } from "hono";

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

/** Renders stories as one feed; the entry id and link are the story's stable API URL. */
export function renderFeed(stories: readonly Story[], about: FeedDescription, format: FeedFormat): string {
  const updated = stories[0]?.updatedAt;
  const feed = new Feed({
    id: `${about.selfBase}/${format}${about.selfQuery ?? ""}`,
    title: about.title,
    description: about.description,
    link: about.publicUrl,
    updated: updated ? new Date(updated) : new Date(0),
    generator: "treatywatch",
    feedLinks: Object.fromEntries(FEED_FORMATS.map((f) => [f, `${about.selfBase}/${f}${about.selfQuery ?? ""}`])),
  });
  for (const story of stories) {
    const storyUrl = `${about.publicUrl}/v1/stories/${story.id}`;
    const outlets = [...new Set(story.sources.map((source) => source.outlet))];
    feed.addItem({
      title: story.title,
      id: storyUrl,
      guid: storyUrl,
      link: story.sources.find((source) => source.link)?.link ?? storyUrl,
      description: `${story.summary}${outlets.length > 0 ? ` (reported by ${outlets.join(", ")})` : ""}`.trim(),
      date: new Date(story.updatedAt),
      published: new Date(story.firstSeenAt),
      category: story.topics.map((topic) => ({ name: topic })),
    });
  }
  return format === "atom" ? feed.atom1() : format === "rss" ? feed.rss2() : feed.json1();
}

/** Answers with the feed, or 304 when the reader already holds this exact body. */
export function feedResponse(c: Context, body: string, format: FeedFormat): Response {
  const etag = `"${sha256Hex(body).slice(0, 32)}"`;
  c.header("etag", etag);
  c.header("cache-control", "public, max-age=300");
  const held = c.req.header("if-none-match");
  if (held?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) return c.body(null, 304);
  c.header("content-type", MEDIA_TYPES[format]);
  return c.body(body, 200);
}
