import * as z from "@treatywatch/config/zod";

const timestamp = z.string().check(z.describe("ISO 8601 timestamp in UTC"));

export const SourceReferenceSchema = z.object({
  outlet: z.string(),
  title: z.string(),
  link: z.optional(z.string()),
  publishedAt: z.optional(timestamp).check(z.describe("As the item carried it; absent when the item gave none")),
});

export const StoryPayloadSchema = z.object({
  id: z.string(),
  version: z.int(),
  title: z.string(),
  summary: z.string(),
  score: z.number(),
  topics: z.array(z.string()),
  categories: z.array(z.string()),
  countries: z.array(z.string()),
  treaties: z.array(z.string()),
  firstSeenAt: timestamp,
  updatedAt: timestamp,
  sources: z.array(SourceReferenceSchema),
});

const envelope = <Type extends string, Data extends z.ZodMiniType>(type: Type, data: Data) =>
  z.object({
    type: z.literal(type),
    schemaVersion: z.literal(1),
    /** The delivery id; the same as the webhook-id header. */
    id: z.string(),
    subscriptionId: z.string(),
    timestamp,
    data,
  });

export const StoryCreatedEventSchema = envelope(
  "story.created",
  z.object({
    story: StoryPayloadSchema,
    reasons: z.array(z.string()).check(z.describe("Why the story matched the filter")),
  }),
);

export const StoryUpdatedEventSchema = envelope(
  "story.updated",
  z.object({
    story: StoryPayloadSchema,
    reasons: z.array(z.string()),
    changes: z
      .array(z.string())
      .check(z.describe("What changed materially since the last version sent, e.g. `outlet: Reuters`")),
  }),
);

export const DigestReadyEventSchema = envelope(
  "digest.ready",
  z.object({
    period: z.string().check(z.describe("The digest's period key, e.g. `2026-03-01` or `2026-W09`")),
    windowStart: timestamp,
    windowEnd: timestamp,
    subject: z.string(),
    text: z.string().check(z.describe("The digest as plain text")),
    html: z.string().check(z.describe("The digest as HTML that reads well without CSS")),
    stories: z.array(StoryPayloadSchema),
  }),
);

/** The ping that verifies a webhook endpoint; never a delivery, so not in `WebhookEventSchema`. */
export const SubscriptionVerifyEventSchema = envelope(
  "subscription.verify",
  z.object({}).check(z.describe("Empty: the signed request is the proof")),
);

export const WebhookEventSchema = z.discriminatedUnion("type", [
  StoryCreatedEventSchema,
  StoryUpdatedEventSchema,
  DigestReadyEventSchema,
]);

export type StoryPayload = z.infer<typeof StoryPayloadSchema>;
export type StoryCreatedEvent = z.infer<typeof StoryCreatedEventSchema>;
export type StoryUpdatedEvent = z.infer<typeof StoryUpdatedEventSchema>;
export type DigestReadyEvent = z.infer<typeof DigestReadyEventSchema>;
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
export type SubscriptionVerifyEvent = z.infer<typeof SubscriptionVerifyEventSchema>;
export type WebhookEventType = WebhookEvent["type"];
