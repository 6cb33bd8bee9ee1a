import {
  changeStatus,
  type StatusChange,
  type StatusChangeResult,
  type Subscription,
  type SubscriptionStore,
} from "@treatywatch/core";

/** Moves a subscription to its next status and stores it when it changed; a refused change stores nothing. */
export async function applyStatusChange(
  subscriptions: Pick<SubscriptionStore, "updateSubscription">,
  subscription: Subscription,
  change: StatusChange,
  now: string,
): Promise<StatusChangeResult> {
  const result = changeStatus(subscription, change, now);
  if (result.ok && result.subscription !== subscription) await subscriptions.updateSubscription(result.subscription);
  return result;
}
