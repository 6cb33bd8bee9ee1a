import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { ItemListQuery, ItemPage } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/items",
  operationId: "listItems",
  tags: ["items"],
  summary: "List fetched items with their verdicts, newest first",
  request: { query: ItemListQuery },
  responses: {
    200: { description: "A page of items", content: { "application/json": { schema: ItemPage } } },
    ...errorResponses("BAD_REQUEST"),
  },
});

export function registerListItems<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const { store } = c.var.services;
    // A story merged into another lists the items of the story it went into, its own among them.
    const story = query.storyId ? await store.getStory(query.storyId) : undefined;
    return c.json(await store.listItems(story ? { ...query, storyId: story.id } : query), 200);
  });
}
