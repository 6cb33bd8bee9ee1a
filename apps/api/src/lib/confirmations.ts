import { type ConfirmationSender, type Logger, renderConfirmation, type Subscription } from "@treatywatch/core";
import type { Mailer } from "@treatywatch/notify";

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
 * Mails the double opt-in link: the only message an unconfirmed address ever gets. A
 * failed send is logged, not raised: the subscription stays pending and its link expires.
 */
export function mailedConfirmations(mailer: Mailer, from: string, logger: Logger): ConfirmationSender {
  return {
    async sendConfirmation(subscription, link) {
      if (subscription.channel.type !== "email") return;
      const rendered = renderConfirmation({ confirmUrl: link, description: describeSubscription(subscription) });
      const result = await mailer.send({
        id: `confirm_${subscription.id}`,
        from,
        to: subscription.channel.address,
        ...rendered,
      });
      if (!result.ok)
        logger.warn({ subscriptionId: subscription.id, error: result.error }, "confirmation mail not sent");
    },
  };
}
