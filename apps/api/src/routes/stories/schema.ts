import { z } from "@hono/zod-openapi";
import { CATEGORIES, type Category, TOPICS, TREATY_IDS, type TreatyId } from "@treatywatch/core";
import { PageQuery, pageOf } from "../../lib/pagination.ts";

export const TopicSchema = z.enum(TOPICS).openapi("Topic");
export const CategorySchema = z
  .enum(Object.keys(CATEGORIES) as [Category, ...Category[]])
  .openapi("Category", { description: "Broad category; see /v1/taxonomy for its IPTC Media Topic." });
export const TreatySchema = z.enum(TREATY_IDS as [TreatyId, ...TreatyId[]]).openapi("Treaty");
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code such as UA")
  .openapi({ example: "UA" });

export const StorySourceSchema = z
  .object({
    itemId: z.string(),
    outlet: z.string(),
    title: z.string(),
    link: z.string().optional(),
    publishedAt: z.string().optional().openapi({ description: "As the item carried it; absent when it gave none." }),
    feedId: z.string(),
  })
  .openapi("StorySource");

export const StorySchema = z
  .object({
    id: z.string().openapi({ example: "sty_3bq0pXW2l1n9eVt0bH3k" }),
    title: z.string(),
    summary: z.string(),
    firstSeenAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
    score: z.number(),
    topics: z.array(TopicSchema),
    categories: z.array(CategorySchema),
    countries: z.array(z.string()),
    treaties: z.array(TreatySchema),
    sources: z.array(StorySourceSchema),
    languages: z
      .array(z.string())
      .optional()
      .openapi({ description: "Primary language tags of the sources that named theirs, e.g. `en`, `uk`." }),
  })
  .openapi("Story");

export const LanguageCode = z
  .string()
  .regex(/^[a-z]{2,3}$/, "a primary language tag such as en")
  .openapi({ example: "uk" });

export const StoryListQuery = PageQuery.extend({
  topic: TopicSchema.optional(),
  country: CountryCode.optional(),
  treaty: TreatySchema.optional(),
  language: LanguageCode.optional().openapi({ description: "Only stories with a source in this language." }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only stories updated at or after this time." }),
});

export const StoryPage = pageOf(StorySchema, "StoryPage");
