import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { reviseSubscription } from "@treatywatch/core";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "./load.ts";
import { present, SubscriptionParams, SubscriptionSchema, UpdateSubscriptionBody } from "./schema.ts";

const route = createRoute({
  method: "patch",
  path: "/v1/subscriptions/{id}",
  operationId: "updateSubscription",
  tags: ["subscriptions"],
  summary: "Change a subscription's filter or cadence",
  description: "The channel cannot change: create a new subscription for a new address or URL.",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: {
    params: SubscriptionParams,
    body: { content: { "application/json": { schema: UpdateSubscriptionBody } }, required: true },
  },
  responses: {
    200: { description: "The updated subscription", content: { "application/json": { schema: SubscriptionSchema } } },
    ...errorResponses(
      "BAD_REQUEST",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "NOT_FOUND",
      "PAYLOAD_TOO_LARGE",
      "TOO_MANY_REQUESTS",
    ),
  },
});

export function registerUpdateSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const changes = c.req.valid("json");
    const current = await loadSubscription(c, c.req.valid("param").id);
    const updated = reviseSubscription(current, changes, c.var.services.clock.now().toISOString());
    await c.var.services.subscriptions.updateSubscription(updated);
    return c.json(present(updated), 200);
  });
}
