import type { DigestReadyEvent } from "@treatywatch/notify";
import type { SqliteDeliveryStore } from "@treatywatch/store";

/** Records a built digest for a subscription in the delivery log, as the digest handler does. */
export function aDigestDelivery(
  deliveries: SqliteDeliveryStore,
  subscription: { id: string; tenantId: string },
  period = "2025-07-01",
): string {
  const id = `msg_digest_${subscription.id}_${period}`;
  const event: DigestReadyEvent = {
    type: "digest.ready",
    schemaVersion: 1,
    id,
    subscriptionId: subscription.id,
    timestamp: `${period}T06:00:00.000Z`,
    data: {
      period,
      windowStart: `${period}T00:00:00.000Z`,
      windowEnd: `${period}T06:00:00.000Z`,
      subject: `Landmine treaty news for ${period}`,
      text: "Latvia completes its withdrawal from the Ottawa Convention [1].",
      html: "<p>Latvia completes its withdrawal from the Ottawa Convention <sup>1</sup>.</p>",
      stories: [],
    },
  };
  deliveries.create({
    id,
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
    kind: "digest",
    eventType: "digest.ready",
    channel: { type: "webhook", url: "https://hooks.example.org/x" },
    payload: JSON.stringify(event),
    createdAt: `${period}T06:00:00.000Z`,
    nextAttemptAt: `${period}T06:00:00.000Z`,
  });
  return id;
}
