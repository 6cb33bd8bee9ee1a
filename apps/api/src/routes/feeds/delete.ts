import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { FeedParams } from "./schema.ts";

const route = createRoute({
  method: "delete",
  path: "/v1/feeds/{id}",
  operationId: "deleteFeed",
  tags: ["feeds (admin)"],
  summary: "Stop polling a feed",
  description: "Items and stories already gathered from it stay.",
  security: BEARER,
  middleware: [requireScope("admin")] as const,
  request: { params: FeedParams },
  responses: {
    204: { description: "Removed" },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"),
  },
});

export function registerRemoveFeed<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await c.var.services.store.removeFeed(id))) throw new ApiError("NOT_FOUND", `no feed ${id}`);
    return c.body(null, 204);
  });
}
