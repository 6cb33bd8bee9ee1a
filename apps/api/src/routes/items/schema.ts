import { z } from "@hono/zod-openapi";
import { PageQuery, pageOf } from "../../lib/pagination.ts";
import { CategorySchema, TopicSchema, TreatySchema } from "../stories/schema.ts";

export const CueSchema = z
  .object({
    kind: z.enum(["topic", "treaty", "country", "veto", "context"]),
    target: z.string(),
    match: z.string(),
    weight: z.number(),
  })
  .openapi("Cue");

export const VerdictSchema = z
  .object({
    relevant: z.boolean(),
    score: z.number().min(0).max(1),
    topics: z.array(TopicSchema),
    categories: z.array(CategorySchema),
    countries: z.array(z.string()),
    treaties: z.array(TreatySchema),
    why: z.array(CueSchema),
    classifierVersion: z.string(),
  })
  .openapi("Verdict");

export const ItemSchema = z
  .object({
    id: z.string(),
    feedId: z.string(),
    guid: z.string().optional(),
    url: z.string().optional(),
    canonicalUrl: z.string().optional(),
    title: z.string(),
    summary: z.string(),
    outlet: z.string(),
    publishedAt: z.string().optional(),
    publishedRaw: z.string().optional(),
    fetchedAt: z.string(),
    contentHash: z.string(),
    language: z.string().optional(),
  })
  .openapi("Item");

export const StoredItemSchema = z
  .object({ item: ItemSchema, verdict: VerdictSchema, storyId: z.string().optional() })
  .openapi("ClassifiedItem");

export const ItemListQuery = PageQuery.extend({
  relevant: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "Only relevant (true) or only off-topic (false) items." }),
  storyId: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "Only the items of this story; a story merged into another lists that story's items." }),
  feedId: z.string().max(64).optional(),
});

export const ItemPage = pageOf(StoredItemSchema, "ItemPage");
