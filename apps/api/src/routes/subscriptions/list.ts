import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope, tenantOf } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { present, SubscriptionListQuery, SubscriptionPage } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/subscriptions",
  operationId: "listSubscriptions",
  tags: ["subscriptions"],
  summary: "List the tenant's subscriptions, newest first",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: { query: SubscriptionListQuery },
  responses: {
    200: { description: "A page of subscriptions", content: { "application/json": { schema: SubscriptionPage } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS"),
  },
});

export function registerListSubscriptions<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.subscriptions.listSubscriptions(tenantOf(c), query);
    return c.json({ data: page.data.map(present), nextCursor: page.nextCursor }, 200);
  });
}
