import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { registerGetStory } from "./get.ts";
import { registerListStories } from "./list.ts";

export function registerStories<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return registerGetStory(registerListStories(api));
}
