import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "../subscriptions/load.ts";
import { SubscriptionParams } from "../subscriptions/schema.ts";
import { digestFrom, RECENT_DELIVERIES } from "./digests.ts";
import { DigestList } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/subscriptions/{id}/digests",
  operationId: "listDigests",
  tags: ["digests"],
  summary: "A subscription's digests, newest first",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "The digests", content: { "application/json": { schema: DigestList } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"),
  },
});

export function registerListDigests<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const subscription = await loadSubscription(c, c.req.valid("param").id);
    const deliveries = await c.var.services.deliveries.forSubscription(subscription.id, RECENT_DELIVERIES);
    const data = deliveries.flatMap((delivery) => {
      const digest = digestFrom(delivery);
      if (!digest) return [];
      const { text: _text, html: _html, storyIds: _storyIds, ...summary } = digest;
      return [summary];
    });
    return c.json({ data }, 200);
  });
}
