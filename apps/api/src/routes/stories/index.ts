import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/env.ts";
import { registerGetStory } from "./get.ts";
import { registerListStories } from "./list.ts";

export function registerStories(api: OpenAPIHono<AppEnv>): void {
  registerListStories(api);
  registerGetStory(api);
}
