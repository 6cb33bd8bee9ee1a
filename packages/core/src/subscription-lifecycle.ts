import type { Cadence, Subscription, SubscriptionFilter, SubscriptionStatus } from "./subscription.ts";
import type { Timestamp } from "./types.ts";

export type StatusChange = "pause" | "resume" | "unsubscribe";

export type StatusChangeResult = { ok: true; subscription: Subscription } | { ok: false; reason: string };

const ALLOWED: Record<StatusChange, { from: readonly SubscriptionStatus[]; to: SubscriptionStatus }> = {
  pause: { from: ["active"], to: "paused" },
  resume: { from: ["paused"], to: "active" },
  unsubscribe: { from: ["pending", "active", "paused", "disabled"], to: "unsubscribed" },
};

/**
 * Moves a subscription to its next status. A pending subscription turns active only
 * through confirmation or verification, never by resuming.
 */
export function changeStatus(subscription: Subscription, change: StatusChange, now: Timestamp): StatusChangeResult {
  const rule = ALLOWED[change];
  if (subscription.status === rule.to) return { ok: true, subscription };
  if (!rule.from.includes(subscription.status)) {
    return { ok: false, reason: `a ${subscription.status} subscription cannot ${change}` };
  }
  return { ok: true, subscription: { ...subscription, status: rule.to, updatedAt: now } };
}

/** A subscription with a new filter or cadence; the channel never changes (a new address is a new subscription). */
export function reviseSubscription(
  subscription: Subscription,
  changes: { filter?: SubscriptionFilter | undefined; cadence?: Cadence | undefined },
  now: Timestamp,
): Subscription {
  return {
    ...subscription,
    filter: changes.filter ?? subscription.filter,
    cadence: changes.cadence ?? subscription.cadence,
    updatedAt: now,
  };
}

/** Whether the runtime knows an IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

export function cadenceProblem(cadence: Cadence): string | undefined {
  if (cadence.kind === "instant") return undefined;
  if (!isTimeZone(cadence.timeZone)) return `unknown time zone ${cadence.timeZone}`;
  return undefined;
}
