import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { applyStatusChange } from "./change-status.ts";
import { loadSubscription } from "./load.ts";
import { SubscriptionParams, SubscriptionSchema } from "./schema.ts";
import { verifyWebhook } from "./verify.ts";

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/{id}/resume",
  operationId: "resumeSubscription",
  tags: ["subscriptions"],
  summary: "Resume a paused subscription, or re-verify a disabled webhook",
  description:
    "A paused subscription turns active. A disabled webhook is sent the signed verification ping first, as `/verify` does: a 2xx answer enables it again, anything else answers 409 with the reason.",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "The subscription", content: { "application/json": { schema: SubscriptionSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"),
  },
});

export function registerResumeSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const current = await loadSubscription(c, id);
    if (current.status === "disabled" && current.channel.type === "webhook") {
      return c.json(await verifyWebhook(c, current), 200);
    }
    return c.json(await applyStatusChange(c, id, "resume"), 200);
  });
}
