import { z } from "@hono/zod-openapi";
import { isTimeZone, parseKeywords } from "@treatywatch/core";
import { WEBHOOK_URL_RULE } from "@treatywatch/http/webhook-url";
import { PageQuery, pageOf } from "../../lib/pagination.ts";
import { CategorySchema, CountryCode, StorySchema, TopicSchema, TreatySchema } from "../stories/schema.ts";

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

export const ChannelSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("email"), address: z.email().max(254) }),
    z.object({
      type: z.literal("webhook"),
      url: z.string().max(2048).refine(isHttpUrl, WEBHOOK_URL_RULE).openapi({
        format: "uri",
        description:
          "https on a public host name. http and IP addresses are accepted only for hosts listed in the server's TREATYWATCH_FETCH_ALLOW, e.g. a receiver on the same machine during development.",
        example: "https://hooks.example.org/treatywatch",
      }),
    }),
  ])
  .openapi("Channel");

const KeywordsSchema = z
  .string()
  .max(1000)
  .superRefine((source, ctx) => {
    const parsed = parseKeywords(source);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `${parsed.message} at character ${parsed.position}` });
  })
  .openapi({
    description: 'Words and "quoted phrases" combined with AND, OR, NOT (or a leading -) and parentheses.',
    example: '"Ottawa Convention" AND (withdrawal OR withdraw) NOT hockey',
  });

export const FilterSchema = z
  .object({
    topics: z.array(TopicSchema).max(20).optional(),
    categories: z.array(CategorySchema).max(20).optional(),
    countries: z.array(CountryCode).max(250).optional(),
    treaties: z.array(TreatySchema).max(20).optional(),
    keywords: KeywordsSchema.optional(),
    minScore: z.number().min(0).max(1).optional(),
    languages: z
      .array(z.string().regex(/^[a-z]{2,3}$/, "a BCP 47 primary language tag such as en"))
      .max(50)
      .optional(),
  })
  .strict()
  .openapi("SubscriptionFilter");

const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, "an IANA time zone such as Europe/Kyiv")
  .openapi({ example: "Europe/Kyiv" });
const Hour = z.number().int().min(0).max(23);
const MaxStories = z.number().int().min(1).max(100).optional().openapi({
  description:
    "The most stories one digest lists (default 20); past it the digest says how many more there were and links to them all.",
  example: 20,
});

export const CadenceSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("instant") }),
    z.object({ kind: z.literal("daily"), hour: Hour, timeZone: TimeZoneSchema, maxStories: MaxStories }),
    z.object({
      kind: z.literal("weekly"),
      weekday: z.number().int().min(1).max(7).openapi({ description: "ISO weekday: 1 is Monday, 7 Sunday." }),
      hour: Hour,
      timeZone: TimeZoneSchema,
      maxStories: MaxStories,
    }),
  ])
  .openapi("Cadence");

export const SubscriptionSchema = z
  .object({
    id: z.string().openapi({ example: "sub_Qm0Zt1bX8dK2pL5vR7wY" }),
    channel: ChannelSchema,
    filter: FilterSchema,
    cadence: CadenceSchema,
    status: z
      .enum(["pending", "active", "paused", "disabled", "unsubscribed"])
      .openapi({ description: "pending until an email is confirmed or a webhook answers its verification ping." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Subscription");

export const CreateSubscriptionBody = z
  .object({ channel: ChannelSchema, filter: FilterSchema.default({}), cadence: CadenceSchema })
  .strict()
  .openapi("CreateSubscription");

export const CreatedSubscriptionSchema = z
  .object({
    subscription: SubscriptionSchema,
    signingSecret: z
      .string()
      .optional()
      .openapi({ description: "For webhooks: the Standard Webhooks secret, shown this once.", example: "whsec_…" }),
  })
  .openapi("CreatedSubscription");

export const UpdateSubscriptionBody = z
  .object({ filter: FilterSchema.optional(), cadence: CadenceSchema.optional() })
  .strict()
  .openapi("UpdateSubscription");

export const SubscriptionPage = pageOf(SubscriptionSchema, "SubscriptionPage");
export const SubscriptionListQuery = PageQuery;

export const SubscriptionParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const RotatedSecretSchema = z
  .object({
    signingSecret: z.string().openapi({ description: "The new secret, shown this once." }),
    previousValidUntil: z.string().openapi({ description: "Until then, deliveries are signed with both secrets." }),
  })
  .openapi("RotatedSecret");

export const PreviewBody = z.object({ filter: FilterSchema }).strict().openapi("PreviewRequest");

export const PreviewSchema = z
  .object({
    since: z.string(),
    data: z.array(z.object({ story: StorySchema, reasons: z.array(z.string()) })),
  })
  .openapi("Preview");

/** What the API shows of a stored subscription: never the tenant. */
export function present(subscription: {
  id: string;
  channel: z.infer<typeof ChannelSchema>;
  filter: z.infer<typeof FilterSchema>;
  cadence: z.infer<typeof CadenceSchema>;
  status: z.infer<typeof SubscriptionSchema>["status"];
  createdAt: string;
  updatedAt: string;
}): z.infer<typeof SubscriptionSchema> {
  const { id, channel, filter, cadence, status, createdAt, updatedAt } = subscription;
  return { id, channel, filter, cadence, status, createdAt, updatedAt };
}
