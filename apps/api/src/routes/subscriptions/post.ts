import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Subscription } from "@treatywatch/core";
import { webhookUrlProblem } from "@treatywatch/http/webhook-url";
import type { Schema } from "hono";
import { BEARER, requireScope, tenantOf } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { newId, newSigningSecret, newToken } from "../../lib/secrets.ts";
import { CreatedSubscriptionSchema, CreateSubscriptionBody, present } from "./schema.ts";

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions",
  operationId: "createSubscription",
  tags: ["subscriptions"],
  summary: "Create a subscription",
  description:
    "Starts `pending`. An email address gets one message, a link to confirm it. A webhook gets a signing secret, shown in this response only, and turns active once `POST /v1/subscriptions/{id}/verify` succeeds.",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { body: { content: { "application/json": { schema: CreateSubscriptionBody } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: CreatedSubscriptionSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "TOO_MANY_REQUESTS"),
  },
});

export function registerCreateSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const body = c.req.valid("json");
    if (body.channel.type === "webhook") {
      const problem = webhookUrlProblem(body.channel.url, c.var.options.outboundAllow);
      if (problem)
        throw new ApiError("BAD_REQUEST", `invalid json: json.channel.url: ${problem}`, [
          { path: "json.channel.url", message: problem },
        ]);
    }
    const { subscriptions, clock, confirmations } = c.var.services;
    const now = clock.now();
    const subscription: Subscription = {
      id: newId("sub"),
      tenantId: tenantOf(c),
      channel: body.channel,
      filter: body.filter,
      cadence: body.cadence,
      status: "pending",
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const unsubscribeToken = newToken();
    if (subscription.channel.type === "email") {
      await subscriptions.createSubscription(subscription, { unsubscribeToken });
      await confirmations.sendConfirmation(subscription);
      return c.json({ subscription: present(subscription) }, 201);
    }
    const signingSecret = newSigningSecret();
    await subscriptions.createSubscription(subscription, {
      secret: { secret: signingSecret, createdAt: subscription.createdAt },
      unsubscribeToken,
    });
    return c.json({ subscription: present(subscription), signingSecret }, 201);
  });
}
