import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { newSigningSecret } from "../../lib/secrets.ts";
import { loadSubscription } from "./load.ts";
import { RotatedSecretSchema, SubscriptionParams } from "./schema.ts";

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/{id}/rotate-secret",
  operationId: "rotateSigningSecret",
  tags: ["subscriptions"],
  summary: "Rotate a webhook's signing secret",
  description:
    "Returns a new secret, shown this once. For 24 hours deliveries carry signatures from both the old and the new secret, so the receiver can switch without missing one.",
  security: BEARER,
  middleware: [requireScope("write")] as const,
  request: { params: SubscriptionParams },
  responses: {
    200: { description: "The new secret", content: { "application/json": { schema: RotatedSecretSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"),
  },
});

export function registerRotateSecret<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const current = await loadSubscription(c, c.req.valid("param").id);
    if (current.channel.type !== "webhook") throw new ApiError("CONFLICT", "only webhook subscriptions have a secret");
    const now = c.var.services.clock.now();
    const signingSecret = newSigningSecret();
    const previousValidUntil = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
    await c.var.services.subscriptions.rotateSigningSecret(
      current.id,
      { secret: signingSecret, createdAt: now.toISOString() },
      previousValidUntil,
    );
    return c.json({ signingSecret, previousValidUntil }, 200);
  });
}
