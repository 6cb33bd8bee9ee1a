import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { MAX_CONFIRMATION_MAILS } from "@treatywatch/notify";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import { confirmationsSent } from "../../lib/confirmations.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "./load.ts";
import { present, SubscriptionParams, SubscriptionSchema } from "./schema.ts";

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/{id}/resend-confirmation",
  operationId: "resendConfirmation",
  tags: ["subscriptions"],
  summary: "Mail a pending email subscription its confirmation link again",
  description: `Sends a new link, which works for 48 hours; earlier links keep working until they expire. At most ${MAX_CONFIRMATION_MAILS} confirmation mails are sent to one subscription. The mail goes out like an alert: retried with backoff while the mail server fails, and listed in the subscription's deliveries.`,
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    202: {
      description: "The mail is on its way",
      content: { "application/json": { schema: SubscriptionSchema } },
    },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"),
  },
});

export function registerResendConfirmation<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const subscription = await loadSubscription(c, c.req.valid("param").id);
    if (subscription.channel.type !== "email")
      throw new ApiError("CONFLICT", "only email subscriptions are confirmed by mail; verify a webhook instead");
    if (subscription.status !== "pending")
      throw new ApiError("CONFLICT", `the subscription is ${subscription.status}: there is nothing to confirm`);
    const { confirmations, deliveries } = c.var.services;
    if ((await confirmationsSent(deliveries, subscription.id)) >= MAX_CONFIRMATION_MAILS)
      throw new ApiError(
        "CONFLICT",
        `${MAX_CONFIRMATION_MAILS} confirmation mails were sent already; delete the subscription and create it again`,
      );
    await confirmations.sendConfirmation(subscription);
    return c.json(present(subscription), 202);
  });
}
