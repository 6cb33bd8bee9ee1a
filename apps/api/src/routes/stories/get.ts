import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { StorySchema } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/stories/{id}",
  operationId: "getStory",
  tags: ["stories"],
  summary: "Get one story with its sources",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: {
    200: { description: "The story", content: { "application/json": { schema: StorySchema } } },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerGetStory<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const story = await c.var.services.store.getStory(id);
    if (!story) throw new ApiError("NOT_FOUND", `no story ${id}`);
    return c.json(story, 200);
  });
}
