import type { z } from "@hono/zod-openapi";
import { DigestReadyEventSchema } from "@treatywatch/notify/events";
import type { Delivery } from "@treatywatch/store";
import type { DigestSchema } from "./schema.ts";

/** How many of a subscription's latest deliveries the routes look through. */
export const RECENT_DELIVERIES = 200;

/** A digest as the API shows it, read back from the event its delivery carries; undefined if it is not one. */
export function digestFrom(delivery: Delivery): z.infer<typeof DigestSchema> | undefined {
  if (delivery.kind !== "digest") return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.payload);
  } catch {
    return undefined;
  }
  const event = DigestReadyEventSchema.safeParse(payload);
  if (!event.success) return undefined;
  const { period, windowStart, windowEnd, subject, text, html, stories } = event.data.data;
  return {
    id: delivery.id,
    period,
    windowStart,
    windowEnd,
    subject,
    stories: stories.length,
    status: delivery.status,
    createdAt: delivery.createdAt,
    text,
    html,
    storyIds: stories.map((story) => story.id),
  };
}
