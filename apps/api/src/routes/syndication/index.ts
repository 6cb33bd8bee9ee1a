import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { registerSubscriptionFeed } from "./subscription.ts";
import { registerTopicFeed } from "./topic.ts";

export function registerSyndication<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return registerSubscriptionFeed(registerTopicFeed(api));
}
