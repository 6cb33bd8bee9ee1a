import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "../subscriptions/load.ts";
import { SubscriptionParams } from "../subscriptions/schema.ts";
import { RECENT_DELIVERIES } from "./digests.ts";
import { DeliveryList } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/subscriptions/{id}/deliveries",
  operationId: "listDeliveries",
  tags: ["deliveries"],
  summary: "A subscription's recent alerts and digests, with their delivery state",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: {
      description: "The latest deliveries, newest first",
      content: { "application/json": { schema: DeliveryList } },
    },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"),
  },
});

export function registerListDeliveries<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const subscription = await loadSubscription(c, c.req.valid("param").id);
    const deliveries = await c.var.services.deliveries.forSubscription(subscription.id, RECENT_DELIVERIES);
    const data = deliveries.map(
      ({ id, kind, eventType, status, attempts, createdAt, nextAttemptAt, deliveredAt, lastError }) => ({
        id,
        kind,
        eventType,
        status,
        attempts,
        createdAt,
        nextAttemptAt,
        deliveredAt,
        lastError,
      }),
    );
    return c.json({ data }, 200);
  });
}
