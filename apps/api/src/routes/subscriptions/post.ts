import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { webhookUrlProblem } from "@treatywatch/http/webhook-url";
import type { Schema } from "hono";
import { BEARER, requireScope, tenantOf } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { createSubscription } from "../../lib/subscribe.ts";
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
    const created = await createSubscription(c.var.services, {
      tenantId: tenantOf(c),
      ...body,
    });
    const subscription = present(created.subscription);
    return c.json(
      created.signingSecret ? { subscription, signingSecret: created.signingSecret } : { subscription },
      201,
    );
  });
}
