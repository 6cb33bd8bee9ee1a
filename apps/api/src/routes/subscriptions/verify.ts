import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "./load.ts";
import { present, SubscriptionParams, SubscriptionSchema } from "./schema.ts";

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/{id}/verify",
  tags: ["subscriptions"],
  summary: "Send a webhook the signed verification ping",
  description:
    "Posts a signed `subscription.verify` event to the webhook URL. A 2xx answer makes a pending subscription active; anything else leaves it pending and answers 409 with the reason.",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "Verified", content: { "application/json": { schema: SubscriptionSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"),
  },
});

export function registerVerifySubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { subscriptions, webhookVerifier, clock } = c.var.services;
    const current = await loadSubscription(c, c.req.valid("param").id);
    if (current.channel.type !== "webhook") throw new ApiError("CONFLICT", "only webhook subscriptions are verified");
    const now = clock.now().toISOString();
    const result = await webhookVerifier.verify(current, await subscriptions.signingSecrets(current.id, now));
    if (!result.ok) throw new ApiError("CONFLICT", `the endpoint did not verify: ${result.reason}`);
    if (current.status !== "pending") return c.json(present(current), 200);
    const active = { ...current, status: "active" as const, updatedAt: now };
    await subscriptions.updateSubscription(active);
    return c.json(present(active), 200);
  });
}
