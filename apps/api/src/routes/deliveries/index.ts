import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { registerGetDigest } from "./get-digest.ts";
import { registerListDeliveries } from "./list.ts";
import { registerListDigests } from "./list-digests.ts";

export function registerDeliveries<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return registerGetDigest(registerListDigests(registerListDeliveries(api)));
}
