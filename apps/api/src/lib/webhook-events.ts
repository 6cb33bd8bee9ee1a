import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { toJSONSchema, type ZodMiniType } from "@treatywatch/config/zod";
import {
  DigestReadyEventSchema,
  StoryCreatedEventSchema,
  StoryUpdatedEventSchema,
  SubscriptionVerifyEventSchema,
} from "@treatywatch/notify/events";
import type { SchemaObject } from "openapi3-ts/oas31";
import type { AppEnv } from "./env.ts";

const EVENTS = [
  [
    "subscription.verify",
    "verifySubscriptionEvent",
    "A ping that proves the endpoint is yours",
    "Sent by `POST /v1/subscriptions/{id}/verify` (and by `/resume` for a disabled webhook). A 2xx within 10 seconds makes the subscription active.",
    SubscriptionVerifyEventSchema,
  ],
  [
    "story.created",
    "storyCreatedEvent",
    "A story the subscription matches has appeared",
    "Carries the story with its sources and `reasons`: why it matched the filter.",
    StoryCreatedEventSchema,
  ],
  [
    "story.updated",
    "storyUpdatedEvent",
    "A story changed materially",
    "A new outlet, topic, country or treaty; `changes` says which.",
    StoryUpdatedEventSchema,
  ],
  [
    "digest.ready",
    "digestReadyEvent",
    "A daily or weekly digest",
    "The period's stories, composed and rendered as text and HTML.",
    DigestReadyEventSchema,
  ],
] as const;

const SignatureHeaders = z.object({
  "webhook-id": z.string().openapi({
    description: "The delivery id, the same on every retry: drop repeats by it.",
    example: "dlv_3f9a…",
  }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed." }),
  "webhook-signature": z.string().openapi({
    description:
      "`v1,<base64 HMAC-SHA256 of webhook-id.webhook-timestamp.body>`, space-separated, one for each secret valid while a secret is rotated.",
  }),
});

/**
 * An event's schema as the document's JSON Schema. The event schemas are zod's functional build,
 * which the functions that send events load at start (see `@treatywatch/config/zod`), and which
 * the OpenAPI generator does not read; they are written out as a payload is read, so the
 * document asks for the fields it lists and allows others to come.
 */
function documented(schema: ZodMiniType): SchemaObject {
  const { $schema: _dialect, ...body } = toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  // OpenAPI 3.1's schemas are JSON Schema 2020-12, which its types spell more narrowly.
  return body as SchemaObject;
}

/**
 * Describes what treatywatch POSTs to webhook subscribers, in the document's `webhooks`,
 * with the Standard Webhooks headers every request carries.
 */
export function registerWebhookEvents(api: OpenAPIHono<AppEnv>): void {
  for (const [type, operationId, summary, description, schema] of EVENTS) {
    api.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      operationId,
      tags: ["webhook events"],
      summary,
      description: `${description} Verify \`webhook-signature\` over \`webhook-id.webhook-timestamp.body\` with your \`whsec_\` secret, e.g. with the \`standardwebhooks\` library.`,
      request: {
        headers: SignatureHeaders,
        body: { content: { "application/json": { schema: documented(schema) } }, required: true },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the event; anything else is retried with backoff." },
        410: { description: "Gone: the endpoint is disabled at once and no more events are sent." },
      },
    });
  }
}
