import type { Hono } from "hono";
import type { AppEnv } from "../lib/env.ts";
import { FEED_FORMATS, type FeedFormat, feedResponse, renderFeed } from "../lib/syndication.ts";
import type { FeedLink } from "./layout.tsx";
import { describeFilter, filterQuery, ListFilterQuery } from "./list-filter.ts";

const ENTRIES = 50;

const FEED_TYPES: Record<FeedFormat, { type: string; name: string }> = {
  atom: { type: "application/atom+xml", name: "Atom" },
  rss: { type: "application/rss+xml", name: "RSS" },
  json: { type: "application/feed+json", name: "JSON Feed" },
};

/** `<link rel="alternate">` autodiscovery for the feeds of a list filter (`query` is its query string). */
export function feedLinks(publicUrl: string, heading: string, query: string): FeedLink[] {
  return FEED_FORMATS.map((format) => ({
    type: FEED_TYPES[format].type,
    title: `treatywatch: ${heading} (${FEED_TYPES[format].name})`,
    href: `${publicUrl}/feed/${format}${query}`,
  }));
}

/** The stories list's filter as Atom, RSS or JSON Feed: its 50 most recently updated stories. */
export function registerFilterFeeds(pages: Hono<AppEnv>) {
  pages.get("/feed/:format", async (c) => {
    const format = c.req.param("format") as FeedFormat;
    const present = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ""));
    const parsed = ListFilterQuery.safeParse(present);
    if (!FEED_FORMATS.includes(format) || !parsed.success) {
      const problems = parsed.success
        ? []
        : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      const reason = FEED_FORMATS.includes(format) ? problems.join("; ") : `format: one of ${FEED_FORMATS.join(", ")}`;
      return c.text(`Bad request: ${reason}`, 400);
    }
    const filter = parsed.data;
    const { publicUrl } = c.var.options;
    const page = await c.var.services.store.listStories({ ...filter, limit: ENTRIES });
    const heading = describeFilter(filter);
    const body = renderFeed(
      page.data,
      {
        title: `treatywatch: ${heading}`,
        description: "Arms-control treaty and landmine news, each story with every outlet that reported it.",
        selfBase: `${publicUrl}/feed`,
        selfQuery: filterQuery(filter),
        publicUrl,
      },
      format,
    );
    return feedResponse(c, body, format);
  });
}
