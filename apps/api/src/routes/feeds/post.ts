import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { checkFeedUrl } from "@treatywatch/feeds/url";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { AddFeedBody, FeedSchema, presentFeed } from "./schema.ts";

const route = createRoute({
  method: "post",
  path: "/v1/feeds",
  operationId: "addFeed",
  tags: ["feeds (admin)"],
  summary: "Add a feed to poll",
  description: "Answers 201 for a new feed and 200 with the existing one when the URL is already polled.",
  security: BEARER,
  middleware: [requireScope("admin")] as const,
  request: { body: { content: { "application/json": { schema: AddFeedBody } }, required: true } },
  responses: {
    201: { description: "Added", content: { "application/json": { schema: FeedSchema } } },
    200: { description: "Already polled", content: { "application/json": { schema: FeedSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "TOO_MANY_REQUESTS"),
  },
});

export function registerAddFeed<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const checked = checkFeedUrl(c.req.valid("json").url);
    if (!checked.ok)
      throw new ApiError("BAD_REQUEST", checked.message, [{ path: "json.url", message: checked.message }]);
    const { feed, created } = await c.var.services.store.addFeed(checked.url, c.var.services.clock.now().toISOString());
    return created ? c.json(presentFeed(feed), 201) : c.json(presentFeed(feed), 200);
  });
}
