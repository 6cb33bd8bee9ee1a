import {
  type KeyStore,
  type Logger,
  renderEndpointDisabled,
  type SubscriptionStore,
  stableId,
} from "@treatywatch/core";
import type { Mailer } from "@treatywatch/notify";
import type { EndpointDisabled } from "./deliver.ts";

export interface EndpointNoticeDeps {
  subscriptions: Pick<SubscriptionStore, "getSubscription" | "updateSubscription">;
  tenants: Pick<KeyStore, "getTenant">;
  /** Absent: the notice is logged, not mailed. */
  mailer?: Mailer | undefined;
  mailFrom: string;
  /** Where the API answers, for the request that enables the webhook again. */
  publicUrl: string;
  logger: Logger;
}

/** One id per disablement, so a notice sent again is recognisably the same message. */
export const endpointNoticeId = (disabled: Pick<EndpointDisabled, "subscriptionId" | "disabledAt">): string =>
  stableId("ntc", disabled.subscriptionId, disabled.disabledAt);

/**
 * What happens when a webhook endpoint is disabled: its subscription turns `disabled`
 * (no more alerts are matched to it) and the tenant's contact address, if it has one,
 * gets one notice saying which webhook, why, and how to enable it again.
 */
export function endpointDisabledHandler(deps: EndpointNoticeDeps): (disabled: EndpointDisabled) => Promise<void> {
  return async (disabled) => {
    const { subscriptionId, tenantId } = disabled;
    const subscription = await deps.subscriptions.getSubscription(tenantId, subscriptionId);
    if (subscription?.status === "active") {
      await deps.subscriptions.updateSubscription({
        ...subscription,
        status: "disabled",
        updatedAt: disabled.disabledAt,
      });
    }
    const contact = (await deps.tenants.getTenant(tenantId))?.contactEmail;
    const fields = { subscriptionId, tenantId, reason: disabled.reason };
    if (!contact) {
      deps.logger.warn(fields, "webhook disabled; the tenant has no contact address, so no notice was mailed");
      return;
    }
    if (!deps.mailer) {
      deps.logger.warn(fields, "webhook disabled; mail is not configured, so no notice was mailed");
      return;
    }
    const rendered = renderEndpointDisabled({
      ...disabled,
      verifyUrl: `${deps.publicUrl}/v1/subscriptions/${encodeURIComponent(subscriptionId)}/verify`,
    });
    const sent = await deps.mailer.send({
      id: endpointNoticeId(disabled),
      from: deps.mailFrom,
      to: contact,
      ...rendered,
    });
    if (sent.ok) deps.logger.info({ ...fields, messageId: sent.messageId }, "webhook disabled notice mailed");
    else deps.logger.error({ ...fields, error: sent.error }, "webhook disabled notice not mailed");
  };
}
