import { randomUUID } from "node:crypto";
import type { WebhookVerifier } from "@treatywatch/core";
import type { SubscriptionVerifyEvent } from "./events.ts";
import type { HttpPoster } from "./poster.ts";
import { sendWebhook } from "./webhook.ts";

/** The API request waits for the ping, so it gets less time than a delivery. */
const VERIFY_TIMEOUT_MS = 10_000;

/**
 * Verifies a webhook endpoint with a signed `subscription.verify` ping through the same
 * sender deliveries use: a 2xx answer verifies it; anything else is the reason it did not.
 */
export function webhookPingVerifier(
  poster: HttpPoster,
  clock: { now(): Date },
  newId: () => string = () => `verify_${randomUUID()}`,
): WebhookVerifier {
  return {
    async verify(subscription, secrets) {
      if (subscription.channel.type !== "webhook") return { ok: false, reason: "not a webhook subscription" };
      if (secrets.length === 0) return { ok: false, reason: "the subscription has no signing secret" };
      const id = newId();
      const event: SubscriptionVerifyEvent = {
        type: "subscription.verify",
        schemaVersion: 1,
        id,
        subscriptionId: subscription.id,
        timestamp: clock.now().toISOString(),
        data: {},
      };
      const body = JSON.stringify(event);
      const message = { id, url: subscription.channel.url, body, secrets: secrets.map((secret) => secret.secret) };
      const attempt = await sendWebhook(message, poster, clock, VERIFY_TIMEOUT_MS);
      if (attempt.outcome === "delivered") return { ok: true };
      return { ok: false, reason: attempt.error };
    },
  };
}
