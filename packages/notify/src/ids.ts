import { stableId } from "@treatywatch/core";

/** One alert a subscription and story version: retries and duplicate matches share it. */
export function alertDeliveryId(subscriptionId: string, storyId: string, version: number): string {
  return stableId("msg", "alert", subscriptionId, storyId, String(version));
}

/** One digest a subscription and period, however often the schedule fires. */
export function digestDeliveryId(subscriptionId: string, periodKey: string): string {
  return stableId("msg", "digest", subscriptionId, periodKey);
}
