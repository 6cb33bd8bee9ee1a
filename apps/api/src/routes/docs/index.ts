import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "../../lib/env.ts";

/**
 * The API reference, rendered in the browser by Scalar from /openapi.json: every route
 * with its parameters, bodies, schemas, examples and errors, and the webhook events.
 */
export function registerDocs(api: OpenAPIHono<AppEnv>): void {
  api.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "treatywatch API reference" }));
}
