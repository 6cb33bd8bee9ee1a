import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";

const HealthSchema = z.object({ status: z.literal("ok"), version: z.string() }).openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["health"],
  summary: "Liveness",
  responses: { 200: { description: "The API is up", content: { "application/json": { schema: HealthSchema } } } },
});

export function registerHealth<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, (c) => c.json({ status: "ok" as const, version: "0.1.0" }, 200));
}
