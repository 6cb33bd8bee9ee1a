import { type Cadence, type Channel, type Subscription, type SubscriptionFilter, sha256Hex } from "@treatywatch/core";
import type { Services } from "./env.ts";
import { newId, newSigningSecret, newToken } from "./secrets.ts";

/** How long an email confirmation link works. */
export const CONFIRMATION_TTL_MS = 48 * 60 * 60 * 1000;

export interface NewSubscription {
  tenantId: string;
  channel: Channel;
  filter: SubscriptionFilter;
  cadence: Cadence;
}

/**
 * Creates a subscription, `pending` until its owner proves the channel: an email address is
 * sent its one confirmation link, a webhook gets a signing secret (returned here, never again).
 * Both the API and the public sign-up page subscribe through this.
 */
export async function createSubscription(
  services: Pick<Services, "subscriptions" | "clock" | "confirmations">,
  publicUrl: string,
  wanted: NewSubscription,
): Promise<{ subscription: Subscription; signingSecret?: string | undefined }> {
  const now = services.clock.now();
  const subscription: Subscription = {
    id: newId("sub"),
    tenantId: wanted.tenantId,
    channel: wanted.channel,
    filter: wanted.filter,
    cadence: wanted.cadence,
    status: "pending",
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const unsubscribeToken = newToken();
  if (subscription.channel.type === "email") {
    const token = newToken();
    const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS).toISOString();
    await services.subscriptions.createSubscription(subscription, {
      confirmation: { tokenHash: sha256Hex(token), expiresAt },
      unsubscribeToken,
    });
    await services.confirmations.sendConfirmation(subscription, `${publicUrl}/v1/confirm?token=${token}`);
    return { subscription };
  }
  const signingSecret = newSigningSecret();
  await services.subscriptions.createSubscription(subscription, {
    secret: { secret: signingSecret, createdAt: subscription.createdAt },
    unsubscribeToken,
  });
  return { subscription, signingSecret };
}
