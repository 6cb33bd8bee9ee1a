import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { applyStatusChange } from "./change-status.ts";
import { SubscriptionParams, SubscriptionSchema } from "./schema.ts";

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/{id}/pause",
  operationId: "pauseSubscription",
  tags: ["subscriptions"],
  summary: "Pause an active subscription",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "The subscription", content: { "application/json": { schema: SubscriptionSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"),
  },
});

export function registerPauseSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => c.json(await applyStatusChange(c, c.req.valid("param").id, "pause"), 200));
}
