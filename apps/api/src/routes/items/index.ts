import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { registerListItems } from "./list.ts";

export function registerItems<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return registerListItems(api);
}
