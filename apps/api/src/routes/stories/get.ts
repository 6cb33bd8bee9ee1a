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
  description:
    "A story found to be the same event as another (a report matched both) is merged into the one first seen; " +
    "its id then answers 308 with the merged story's address in `Location`.",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: {
    200: { description: "The story", content: { "application/json": { schema: StorySchema } } },
    308: {
      description: "The story was merged into another: `Location` is the merged story's address",
      headers: z.object({
        Location: z.string().openapi({ description: "The merged story", example: "/v1/stories/sty_x7Qm2" }),
      }),
    },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerGetStory<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const story = await c.var.services.store.getStory(id);
    if (!story) throw new ApiError("NOT_FOUND", `no story ${id}`);
    if (story.id !== id) return c.body(null, 308, { Location: `/v1/stories/${encodeURIComponent(story.id)}` });
    return c.json(story, 200);
  });
}
