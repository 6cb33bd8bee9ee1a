import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/env.ts";
import { registerListItems } from "./list.ts";

export function registerItems(api: OpenAPIHono<AppEnv>): void {
  registerListItems(api);
}
