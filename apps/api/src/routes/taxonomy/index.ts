import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { CATEGORIES, type Category, TOPIC_LABELS, TOPICS, TREATIES, TREATY_IDS } from "@treatywatch/core";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";

const TaxonomySchema = z
  .object({
    topics: z.array(z.object({ id: z.string(), label: z.string() })),
    categories: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        iptc: z.string().openapi({ description: "IPTC Media Topic QCode", example: "medtop:16000000" }),
      }),
    ),
    treaties: z.array(z.object({ id: z.string(), name: z.string(), aka: z.array(z.string()) })),
  })
  .openapi("Taxonomy");

const route = createRoute({
  method: "get",
  path: "/v1/taxonomy",
  operationId: "getTaxonomy",
  tags: ["taxonomy"],
  summary: "The topics, categories (with IPTC codes) and treaties filters use",
  responses: { 200: { description: "The taxonomy", content: { "application/json": { schema: TaxonomySchema } } } },
});

export function registerTaxonomy<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, (c) =>
    c.json(
      {
        topics: TOPICS.map((id) => ({ id, label: TOPIC_LABELS[id] })),
        categories: (Object.keys(CATEGORIES) as Category[]).map((id) => ({ id, ...CATEGORIES[id] })),
        treaties: TREATY_IDS.map((id) => ({ id, name: TREATIES[id].name, aka: [...TREATIES[id].aka] })),
      },
      200,
    ),
  );
}
