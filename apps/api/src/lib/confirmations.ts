import type { Clock, ConfirmationSender, DeliveryStore, Logger } from "@treatywatch/core";
import { confirmationDelivery } from "@treatywatch/notify";

export { describeSubscription } from "@treatywatch/notify";

/** Confirmation mails already made for a subscription. */
export async function confirmationsSent(
  deliveries: { forSubscription: DeliveryStore["forSubscription"] },
  subscriptionId: string,
): Promise<number> {
  return (await deliveries.forSubscription(subscriptionId, 100)).filter((delivery) => delivery.kind === "confirmation")
    .length;
}

/**
 * Confirmation mail through the delivery path alerts take: each mail is a delivery, so a
 * failed send is retried with backoff and shows in the subscription's delivery log.
 * `dispatch` starts the first attempt at once (on one machine, sending it; on AWS,
 * queueing it); without it the delivery schedule sends it on its next run.
 */
export function deliveredConfirmations(deps: {
  deliveries: Pick<DeliveryStore, "create" | "forSubscription">;
  clock: Clock;
  logger: Logger;
  dispatch?: ((deliveryId: string) => Promise<unknown>) | undefined;
}): ConfirmationSender {
  return {
    async sendConfirmation(subscription) {
      if (subscription.channel.type !== "email") return;
      const sequence = (await confirmationsSent(deps.deliveries, subscription.id)) + 1;
      const delivery = confirmationDelivery(subscription, sequence, deps.clock.now());
      if (!(await deps.deliveries.create(delivery))) return;
      await deps
        .dispatch?.(delivery.id)
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, deliveryId: delivery.id }, "confirmation mail left for the delivery schedule"),
        );
    },
  };
}
