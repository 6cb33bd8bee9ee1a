import type { SubscriptionStore } from "@treatywatch/core";

export interface VersionedSubscriptions {
  store: SubscriptionStore;
  /** Bumped by every write through `store`; readers rebuild what they derived when it moves. */
  version(): number;
}

/**
 * Counts the subscription writes of this process. On one machine every write (the API's
 * and the CLI's) goes through the same store, so the count is the subscriptions' version.
 */
export function versionedSubscriptions(inner: SubscriptionStore): VersionedSubscriptions {
  let version = 0;
  const bump = <T>(result: T): T => {
    version++;
    return result;
  };
  const store: SubscriptionStore = {
    createSubscription: async (subscription, extras) => bump(await inner.createSubscription(subscription, extras)),
    getSubscription: (tenantId, id) => inner.getSubscription(tenantId, id),
    findSubscription: (id) => inner.findSubscription(id),
    listSubscriptions: (tenantId, query) => inner.listSubscriptions(tenantId, query),
    subscriptionsWithStatus: (status) => inner.subscriptionsWithStatus(status),
    updateSubscription: async (subscription) => bump(await inner.updateSubscription(subscription)),
    deleteSubscription: async (tenantId, id) => bump(await inner.deleteSubscription(tenantId, id)),
    addConfirmation: (subscriptionId, confirmation) => inner.addConfirmation(subscriptionId, confirmation),
    confirmSubscription: async (tokenHash, now) => bump(await inner.confirmSubscription(tokenHash, now)),
    signingSecrets: (subscriptionId, now) => inner.signingSecrets(subscriptionId, now),
    rotateSigningSecret: (subscriptionId, secret, overlapUntil) =>
      inner.rotateSigningSecret(subscriptionId, secret, overlapUntil),
    unsubscribeToken: (subscriptionId) => inner.unsubscribeToken(subscriptionId),
    findByUnsubscribeToken: (token) => inner.findByUnsubscribeToken(token),
  };
  return { store, version: () => version };
}
