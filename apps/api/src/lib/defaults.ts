import type { ConfirmationSender, Logger, WebhookVerifier } from "@treatywatch/core";

/** Until a webhook sender is wired in, verification fails with a reason rather than pretending. */
export const unconfiguredWebhookVerifier: WebhookVerifier = {
  verify: async () => ({ ok: false, reason: "no webhook sender is configured on this server" }),
};

/** On one machine without a mailer, the confirmation link goes to the log, where the operator can follow it. */
export function loggedConfirmations(logger: Logger): ConfirmationSender {
  return {
    sendConfirmation: async (subscription, link) => {
      logger.info({ subscriptionId: subscription.id, link }, "confirmation link for a new email subscription");
    },
  };
}
