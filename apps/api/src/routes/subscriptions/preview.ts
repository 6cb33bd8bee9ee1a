import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { previewFilter } from "../../lib/matching-stories.ts";
import { PreviewBody, PreviewSchema } from "./schema.ts";

const MAX_MATCHES = 100;

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/preview",
  operationId: "previewSubscription",
  tags: ["subscriptions"],
  summary: "Dry-run a filter over the last 30 days",
  description: "The stories updated in the last 30 days that the filter matches (at most 100), each with the reasons.",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: { body: { content: { "application/json": { schema: PreviewBody } }, required: true } },
  responses: {
    200: { description: "The matching stories", content: { "application/json": { schema: PreviewSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "TOO_MANY_REQUESTS"),
  },
});

export function registerPreviewSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { filter } = c.req.valid("json");
    const { store, clock } = c.var.services;
    return c.json(await previewFilter(store, filter, clock.now(), MAX_MATCHES), 200);
  });
}
