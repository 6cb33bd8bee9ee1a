import type { OpenAPIHono } from "@hono/zod-openapi";
import { DigestReadyEventSchema, StoryCreatedEventSchema, StoryUpdatedEventSchema } from "@treatywatch/notify/events";
import type { AppEnv } from "./env.ts";

const EVENTS = [
  ["story.created", "A story a subscription matches has appeared.", StoryCreatedEventSchema],
  ["story.updated", "A story changed materially: a new outlet, topic, country or treaty.", StoryUpdatedEventSchema],
  ["digest.ready", "A daily or weekly digest, composed and rendered.", DigestReadyEventSchema],
] as const;

/**
 * Describes what treatywatch POSTs to webhook subscribers, in the document's `webhooks`.
 * Each request carries Standard Webhooks headers: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (one signature per valid secret during a rotation).
 */
export function registerWebhookEvents(api: OpenAPIHono<AppEnv>): void {
  for (const [type, summary, schema] of EVENTS) {
    api.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      tags: ["webhook events"],
      summary,
      description:
        "Signed per Standard Webhooks: verify `webhook-signature` over `webhook-id.webhook-timestamp.body` with your `whsec_` secret.",
      request: { body: { content: { "application/json": { schema } }, required: true } },
      responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried with backoff." } },
    });
  }
}
