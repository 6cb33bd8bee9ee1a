import type { Channel } from "./subscription.ts";
import type { Timestamp } from "./types.ts";

/** A confirmation is the mail that asks a pending email subscription to confirm. */
export type DeliveryKind = "alert" | "digest" | "confirmation";
export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One alert or digest for one subscription; its id is the idempotency key. */
export interface Delivery {
  id: string;
  subscriptionId: string;
  tenantId: string;
  kind: DeliveryKind;
  /** e.g. `story.created`, `digest.ready`. */
  eventType: string;
  channel: Channel;
  /** The serialised event, exactly as it is sent on every attempt. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: Timestamp;
  nextAttemptAt?: Timestamp | undefined;
  deliveredAt?: Timestamp | undefined;
  lastError?: string | undefined;
}

export type NewDelivery = Omit<Delivery, "status" | "attempts" | "deliveredAt" | "lastError">;

export type AttemptOutcome = "delivered" | "retry" | "failed";

/** One try at sending a delivery, as the delivery log shows it. */
export interface DeliveryAttempt {
  deliveryId: string;
  attempt: number;
  at: Timestamp;
  outcome: AttemptOutcome;
  statusCode?: number | undefined;
  latencyMs: number;
  error?: string | undefined;
}

export type AttemptResult =
  | { status: "delivered" }
  | { status: "pending"; nextAttemptAt: Timestamp }
  | { status: "failed"; reason: string };

export interface EndpointHealth {
  subscriptionId: string;
  failingSince?: Timestamp | undefined;
  disabledAt?: Timestamp | undefined;
  disabledReason?: string | undefined;
}

/** The embedded adapter answers at once; a networked one answers with a promise. Callers await either. */
export type Awaitable<T> = T | Promise<T>;

/**
 * Deliveries, their attempt log and the health of webhook endpoints. A delivery is
 * sent only by the worker holding its claim, so duplicate queue messages send it once.
 */
export interface DeliveryStore {
  /** Records a delivery unless one with its id exists; true when it was new. */
  create(delivery: NewDelivery): Awaitable<boolean>;
  get(id: string): Awaitable<Delivery | undefined>;
  /** Takes a pending, due delivery for sending until `until`; undefined when it is not this caller's to send. */
  claim(id: string, now: Timestamp, until: Timestamp): Awaitable<Delivery | undefined>;
  /** Logs an attempt and moves the delivery on; releases the claim. */
  recordAttempt(attempt: DeliveryAttempt, result: AttemptResult): Awaitable<void>;
  /** Pending, due deliveries not already queued; each is marked queued until `until`. */
  takeDue(now: Timestamp, until: Timestamp, limit: number): Awaitable<string[]>;
  /** When the earliest pending delivery falls due. */
  nextDueAt(): Awaitable<Timestamp | undefined>;
  attempts(deliveryId: string): Awaitable<DeliveryAttempt[]>;
  /** A subscription's delivery log, newest first. */
  forSubscription(subscriptionId: string, limit: number): Awaitable<Delivery[]>;
  /** Deliveries that exhausted their attempts or were refused for good, oldest first. */
  failed(limit: number): Awaitable<Delivery[]>;
  /** Gives a failed delivery a fresh set of attempts, due at `now`. */
  replay(id: string, now: Timestamp): Awaitable<boolean>;
  countByStatus(): Awaitable<Record<DeliveryStatus, number>>;
  endpointHealth(subscriptionId: string): Awaitable<EndpointHealth>;
  /** Notes a failed attempt; returns since when the endpoint has been failing without a success. */
  endpointFailed(subscriptionId: string, now: Timestamp): Awaitable<Timestamp>;
  endpointSucceeded(subscriptionId: string): Awaitable<void>;
  /** Disables an enabled endpoint; false when it was disabled already, so one disablement is acted on once. */
  disableEndpoint(subscriptionId: string, reason: string, now: Timestamp): Awaitable<boolean>;
  /** Enables a disabled endpoint again with a clean record; false when it was not disabled. */
  enableEndpoint(subscriptionId: string): Awaitable<boolean>;
}

/** Email addresses never to mail again (unsubscribed, hard-bounced, complained), matched without case. */
export interface EmailSuppressions {
  suppress(address: string, reason: string, at: Timestamp): Promise<void>;
  isSuppressed(address: string): Promise<boolean>;
  /** The oldest first. */
  list(limit: number): Promise<{ address: string; reason: string; at: Timestamp }[]>;
}
