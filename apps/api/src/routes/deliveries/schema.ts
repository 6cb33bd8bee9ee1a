import { z } from "@hono/zod-openapi";

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: "Also the `webhook-id` header of every attempt." }),
    kind: z.enum(["alert", "digest", "confirmation"]),
    eventType: z.string().openapi({ example: "story.created" }),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    createdAt: z.string(),
    nextAttemptAt: z.string().optional(),
    deliveredAt: z.string().optional(),
    lastError: z.string().optional(),
  })
  .openapi("Delivery");

export const DeliveryList = z.object({ data: z.array(DeliverySchema) }).openapi("DeliveryList");

export const DigestSummarySchema = z
  .object({
    id: z.string(),
    period: z.string().openapi({ example: "2026-03-01" }),
    windowStart: z.string(),
    windowEnd: z.string(),
    subject: z.string(),
    stories: z.number().int(),
    status: z.enum(["pending", "delivered", "failed"]),
    createdAt: z.string(),
  })
  .openapi("DigestSummary");

export const DigestList = z.object({ data: z.array(DigestSummarySchema) }).openapi("DigestList");

export const DigestSchema = DigestSummarySchema.extend({
  text: z.string(),
  html: z.string(),
  storyIds: z.array(z.string()),
}).openapi("Digest");
