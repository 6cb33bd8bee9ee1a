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
  return api.openapi(route, async (c) => c.json(await c.var.services.store.listItems(c.req.valid("query")), 200));
}
