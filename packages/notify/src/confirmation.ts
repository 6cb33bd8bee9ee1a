import { randomBytes } from "node:crypto";
import {
  type NewDelivery,
  renderConfirmation,
  type Subscription,
  type SubscriptionStore,
  sha256Hex,
} from "@treatywatch/core";
import type { MailMessage } from "./ses.ts";

/** How long a confirmation link works. */
export const CONFIRMATION_TTL_MS = 48 * 60 * 60 * 1000;

/** Confirmation mails one subscription may be sent, the first included: resending stops there. */
export const MAX_CONFIRMATION_MAILS = 5;

export const CONFIRMATION_EVENT = "subscription.confirm";

/** One line a person can recognise their subscription by. */
export function describeSubscription(subscription: Subscription): string {
  const { filter, cadence } = subscription;
  const parts = [
    ...(filter.topics ?? []),
    ...(filter.treaties ?? []),
    ...(filter.countries ?? []),
    ...(filter.keywords ? [`"${filter.keywords}"`] : []),
  ];
  const what = parts.length > 0 ? parts.join(", ") : "all arms-control and landmine news";
  const when =
    cadence.kind === "instant"
      ? "as it happens"
      : `${cadence.kind === "daily" ? "daily" : "weekly"} at ${String(cadence.hour).padStart(2, "0")}:00 ${cadence.timeZone}`;
  return `${what}, ${when}`;
}

/**
 * The delivery that mails a subscription its confirmation link; the `sequence`-th for it.
 * It carries no link: the link is made when the mail is sent, so no token is kept in clear.
 */
export function confirmationDelivery(subscription: Subscription, sequence: number, now: Date): NewDelivery {
  const createdAt = now.toISOString();
  return {
    id: `confirm_${subscription.id}_${sequence}`,
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
    kind: "confirmation",
    eventType: CONFIRMATION_EVENT,
    channel: subscription.channel,
    payload: JSON.stringify({ type: CONFIRMATION_EVENT, subscriptionId: subscription.id }),
    createdAt,
    nextAttemptAt: createdAt,
  };
}

/** Makes a fresh single-use link for a subscription; only the token's hash is stored. */
export async function issueConfirmationLink(
  subscriptions: Pick<SubscriptionStore, "addConfirmation">,
  subscriptionId: string,
  publicUrl: string,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS).toISOString();
  await subscriptions.addConfirmation(subscriptionId, { tokenHash: sha256Hex(token), expiresAt });
  return `${publicUrl.replace(/\/+$/, "")}/v1/confirm?token=${token}`;
}

/** The confirmation mail itself, sent under the delivery's id. */
export function confirmationMail(input: {
  id: string;
  subscription: Subscription;
  link: string;
  from: string;
}): MailMessage {
  if (input.subscription.channel.type !== "email") throw new Error("only email subscriptions are confirmed by mail");
  const rendered = renderConfirmation({
    confirmUrl: input.link,
    description: describeSubscription(input.subscription),
  });
  return { id: input.id, from: input.from, to: input.subscription.channel.address, ...rendered };
}
