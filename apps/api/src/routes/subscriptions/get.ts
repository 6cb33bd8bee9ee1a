import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "./load.ts";
import { present, SubscriptionParams, SubscriptionSchema } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/subscriptions/{id}",
  operationId: "getSubscription",
  tags: ["subscriptions"],
  summary: "Get one subscription",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "The subscription", content: { "application/json": { schema: SubscriptionSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"),
  },
});

export function registerGetSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const subscription = await loadSubscription(c, c.req.valid("param").id);
    return c.json(present(subscription), 200);
  });
}
