import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope, tenantOf } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { SubscriptionParams } from "./schema.ts";

const route = createRoute({
  method: "delete",
  path: "/v1/subscriptions/{id}",
  operationId: "deleteSubscription",
  tags: ["subscriptions"],
  summary: "Delete a subscription",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"),
  },
});

export function registerDeleteSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await c.var.services.subscriptions.deleteSubscription(tenantOf(c), id);
    if (!deleted) throw new ApiError("NOT_FOUND", `no subscription ${id}`);
    return c.body(null, 204);
  });
}
