import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Subscription } from "@treatywatch/core";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "./load.ts";
import { present, SubscriptionParams, SubscriptionSchema } from "./schema.ts";

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/{id}/verify",
  operationId: "verifySubscription",
  tags: ["subscriptions"],
  summary: "Send a webhook the signed verification ping",
  description:
    "Posts a signed `subscription.verify` event to the webhook URL. A 2xx answer makes a pending subscription active, and enables a disabled one again (its endpoint's failure record cleared); anything else leaves it as it was and answers 409 with the reason.",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "Verified", content: { "application/json": { schema: SubscriptionSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"),
  },
});

/**
 * Pings a webhook subscription's endpoint; when it answers, a pending or disabled
 * subscription turns active and the endpoint's failure record starts afresh.
 */
export async function verifyWebhook(c: { var: Pick<AppEnv["Variables"], "services"> }, current: Subscription) {
  const { subscriptions, webhookVerifier, deliveries, clock } = c.var.services;
  if (current.channel.type !== "webhook") throw new ApiError("CONFLICT", "only webhook subscriptions are verified");
  const now = clock.now().toISOString();
  const result = await webhookVerifier.verify(current, await subscriptions.signingSecrets(current.id, now));
  if (!result.ok) throw new ApiError("CONFLICT", `the endpoint did not verify: ${result.reason}`);
  await deliveries.enableEndpoint(current.id);
  if (current.status !== "pending" && current.status !== "disabled") return present(current);
  const active = { ...current, status: "active" as const, updatedAt: now };
  await subscriptions.updateSubscription(active);
  return present(active);
}

export function registerVerifySubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) =>
    c.json(await verifyWebhook(c, await loadSubscription(c, c.req.valid("param").id)), 200),
  );
}
