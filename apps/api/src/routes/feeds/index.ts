import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { registerRemoveFeed } from "./delete.ts";
import { registerListFeeds } from "./list.ts";
import { registerAddFeed } from "./post.ts";

export function registerFeeds<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return registerRemoveFeed(registerAddFeed(registerListFeeds(api)));
}
