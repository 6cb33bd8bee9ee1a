import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { loadSubscription } from "../subscriptions/load.ts";
import { digestFrom, RECENT_DELIVERIES } from "./digests.ts";
import { DigestSchema } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/subscriptions/{id}/digests/{digestId}",
  operationId: "getDigest",
  tags: ["digests"],
  summary: "One digest as JSON, HTML or plain text",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "id", in: "path" } }),
      digestId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "digestId", in: "path" } }),
    }),
    query: z.object({ format: z.enum(["json", "html", "text"]).default("json") }),
  },
  responses: {
    200: {
      description: "The digest",
      content: {
        "application/json": { schema: DigestSchema },
        "text/html": { schema: z.string() },
        "text/plain": { schema: z.string() },
      },
    },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"),
  },
});

export function registerGetDigest<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id, digestId } = c.req.valid("param");
    const { format } = c.req.valid("query");
    const subscription = await loadSubscription(c, id);
    const deliveries = await c.var.services.deliveries.forSubscription(subscription.id, RECENT_DELIVERIES);
    const found = deliveries.find((delivery) => delivery.id === digestId);
    const digest = found && digestFrom(found);
    if (!digest) throw new ApiError("NOT_FOUND", `no digest ${digestId}`);
    if (format === "html") return c.html(digest.html, 200);
    if (format === "text") return c.text(digest.text, 200);
    return c.json(digest, 200);
  });
}
