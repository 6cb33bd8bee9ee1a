import type { ConfirmationSender, Logger, WebhookVerifier } from "@treatywatch/core";

/** Until a webhook sender is wired in, verification fails with a reason rather than pretending. */
export const unconfiguredWebhookVerifier: WebhookVerifier = {
  verify: async () => ({ ok: false, reason: "no webhook sender is configured on this server" }),
};

/** Where no mail is sent (benchmarks), a new email subscription is only logged. */
export function loggedConfirmations(logger: Logger): ConfirmationSender {
  return {
    sendConfirmation: async (subscription) => {
      logger.info({ subscriptionId: subscription.id }, "a new email subscription waits for confirmation");
    },
  };
}
