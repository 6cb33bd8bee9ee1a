import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { dataVersionOf } from "../../lib/data-version.ts";
import { earlyAnswers, queryOf } from "../../lib/early-answers.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { cachedPage, RenderedCache, sendRendered } from "../../lib/rendered-cache.ts";
import { StoryListQuery, StoryPage } from "./schema.ts";

/** Distinct list queries whose rendered pages are kept between store changes. */
const CACHED_PAGES = 256;

const route = createRoute({
  method: "get",
  path: "/v1/stories",
  operationId: "listStories",
  tags: ["stories"],
  summary: "List stories, most recently updated first",
  description:
    "Answers carry a strong `ETag`; send it back in `If-None-Match` to get `304 Not Modified` while the page is unchanged.",
  request: { query: StoryListQuery },
  responses: {
    200: {
      description: "A page of stories",
      headers: { ETag: { schema: { type: "string" }, description: "Strong validator of this page." } },
      content: { "application/json": { schema: StoryPage } },
    },
    304: { description: "The page is unchanged since the ETag given in If-None-Match" },
    ...errorResponses("BAD_REQUEST"),
  },
});

export function registerListStories<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  const pages = new RenderedCache(CACHED_PAGES);
  // Query strings seen before, each with the key of the page it asks for: a repeat of one is valid
  // as it was the first time, so a page kept for it is answered before parsing and validating it again.
  const keysByQuery = new Map<string, string>();
  earlyAnswers(api).set(route.path, {
    contentType: "application/json",
    keyOf: (query) => keysByQuery.get(query),
    peek: (version, key) => pages.peek(version, key),
  });
  return api.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const { store } = c.var.services;
    const normalised = { ...query, since: query.since && new Date(query.since).toISOString() };
    const render = async () => JSON.stringify(await store.listStories(normalised));
    const key = JSON.stringify([
      normalised.limit,
      normalised.cursor,
      normalised.topic,
      normalised.country,
      normalised.treaty,
      normalised.language,
      normalised.since,
    ]);
    if (keysByQuery.size >= CACHED_PAGES * 4) keysByQuery.clear();
    keysByQuery.set(queryOf(c.req.url), key);
    const page = await cachedPage(pages, await dataVersionOf(store), key, render);
    return sendRendered(c, page, "application/json");
  });
}
