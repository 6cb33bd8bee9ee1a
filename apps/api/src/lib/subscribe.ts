import type { Cadence, Channel, Subscription, SubscriptionFilter } from "@treatywatch/core";
import type { Services } from "./env.ts";
import { newId, newSigningSecret, newToken } from "./secrets.ts";

export interface NewSubscription {
  tenantId: string;
  channel: Channel;
  filter: SubscriptionFilter;
  cadence: Cadence;
}

/**
 * Creates a subscription, `pending` until its owner proves the channel: an email address is
 * sent a confirmation link through the retried delivery path, a webhook gets a signing secret
 * (returned here, never again). Both the API and the public sign-up page subscribe through this.
 */
export async function createSubscription(
  services: Pick<Services, "subscriptions" | "clock" | "confirmations">,
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
    await services.subscriptions.createSubscription(subscription, { unsubscribeToken });
    await services.confirmations.sendConfirmation(subscription);
    return { subscription };
  }
  const signingSecret = newSigningSecret();
  await services.subscriptions.createSubscription(subscription, {
    secret: { secret: signingSecret, createdAt: subscription.createdAt },
    unsubscribeToken,
  });
  return { subscription, signingSecret };
}
