import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { InvalidCursorError } from "@treatywatch/core";
import { HTTPException } from "hono/http-exception";
import type { AppEnv, Services } from "./lib/env.ts";
import { ApiError, type ErrorBody } from "./lib/errors.ts";
import { validationHook } from "./lib/validation.ts";
import { registerHealth } from "./routes/health/index.ts";
import { registerItems } from "./routes/items/index.ts";
import { registerStories } from "./routes/stories/index.ts";

export const API_VERSION = "0.1.0";

function errorBody(error: ApiError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, requestId, details: error.details } };
}

/** Builds the API. The node server and the Lambda entry both serve what this returns. */
export function createApp(services: Services) {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  api.use(async (c, next) => {
    const requestId = c.req.header("x-request-id")?.slice(0, 128) || randomUUID();
    c.set("requestId", requestId);
    c.set("services", services);
    c.header("x-request-id", requestId);
    await next();
  });

  registerHealth(api);
  registerStories(api);
  registerItems(api);

  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "treatywatch API",
      version: API_VERSION,
      description: "Arms-control treaty and landmine news, classified and folded into stories.",
    },
  });

  api.notFound((c) =>
    c.json(errorBody(new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`), c.var.requestId), 404),
  );

  api.onError((error, c) => {
    const requestId = c.var.requestId ?? randomUUID();
    if (error instanceof ApiError) return c.json(errorBody(error, requestId), error.status);
    if (error instanceof InvalidCursorError) {
      const invalid = new ApiError("BAD_REQUEST", error.message, [{ path: "query.cursor", message: error.message }]);
      return c.json(errorBody(invalid, requestId), 400);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
      return c.json(errorBody(new ApiError(code, error.message || code.toLowerCase()), requestId), error.status);
    }
    services.logger.error({ err: error, requestId, path: c.req.path }, "unhandled error");
    return c.json(errorBody(new ApiError("INTERNAL_SERVER_ERROR", "internal error"), requestId), 500);
  });

  return api;
}

export type App = ReturnType<typeof createApp>;
