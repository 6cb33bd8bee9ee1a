import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { StoryListQuery, StoryPage } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/stories",
  tags: ["stories"],
  summary: "List stories, most recently updated first",
  request: { query: StoryListQuery },
  responses: {
    200: { description: "A page of stories", content: { "application/json": { schema: StoryPage } } },
    ...errorResponses("BAD_REQUEST"),
  },
});

export function registerListStories<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.store.listStories({
      ...query,
      since: query.since && new Date(query.since).toISOString(),
    });
    return c.json(page, 200);
  });
}
