import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { FeedList, presentFeed } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/feeds",
  operationId: "listFeeds",
  tags: ["feeds (admin)"],
  summary: "List the polled feeds with their health",
  security: BEARER,
  middleware: [requireScope("admin")] as const,
  responses: {
    200: { description: "Every feed", content: { "application/json": { schema: FeedList } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS"),
  },
});

export function registerListFeeds<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const feeds = await c.var.services.store.listFeeds();
    return c.json({ data: feeds.map(presentFeed) }, 200);
  });
}
