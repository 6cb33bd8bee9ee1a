import type {
  AttemptResult,
  Channel,
  Delivery,
  DeliveryAttempt,
  DeliveryKind,
  DeliveryStatus,
  DeliveryStore,
  EmailSuppressions,
  EndpointHealth,
  NewDelivery,
  Timestamp,
} from "@treatywatch/core";
import type Database from "better-sqlite3";
import { migrate } from "./schema.ts";

export type {
  AttemptOutcome,
  AttemptResult,
  Delivery,
  DeliveryAttempt,
  DeliveryKind,
  DeliveryStatus,
  EndpointHealth,
  NewDelivery,
} from "@treatywatch/core";

const STEPS = [
  `CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     subscription_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     event_type TEXT NOT NULL,
     channel TEXT NOT NULL,
     payload TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     next_attempt_at TEXT,
     claimed_until TEXT,
     enqueued_until TEXT,
     delivered_at TEXT,
     last_error TEXT
   );
   CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
   CREATE INDEX deliveries_subscription ON deliveries (subscription_id, created_at);
   CREATE TABLE delivery_attempts (
     delivery_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     at TEXT NOT NULL,
     outcome TEXT NOT NULL,
     status_code INTEGER,
     latency_ms INTEGER NOT NULL,
     error TEXT,
     PRIMARY KEY (delivery_id, attempt)
   );
   CREATE TABLE endpoint_health (
     subscription_id TEXT PRIMARY KEY,
     failing_since TEXT,
     disabled_at TEXT,
     disabled_reason TEXT
   );`,
];

interface DeliveryRecord {
  id: string;
  subscription_id: string;
  tenant_id: string;
  kind: DeliveryKind;
  event_type: string;
  channel: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
}

function toDelivery(record: DeliveryRecord): Delivery {
  return {
    id: record.id,
    subscriptionId: record.subscription_id,
    tenantId: record.tenant_id,
    kind: record.kind,
    eventType: record.event_type,
    channel: JSON.parse(record.channel) as Channel,
    payload: record.payload,
    status: record.status,
    attempts: record.attempts,
    createdAt: record.created_at,
    nextAttemptAt: record.next_attempt_at ?? undefined,
    deliveredAt: record.delivered_at ?? undefined,
    lastError: record.last_error ?? undefined,
  };
}

/**
 * Deliveries, their attempt log and the health of webhook endpoints, in the shared
 * SQLite database. A delivery is sent only by the worker holding its claim, so
 * duplicate queue messages for one delivery send it once.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Database.Database) {
    migrate(db, "deliveries", STEPS);
  }

  /** Records a delivery unless one with its id exists; true when it was new. */
  create(delivery: NewDelivery): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO deliveries
           (id, subscription_id, tenant_id, kind, event_type, channel, payload, status, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(
        delivery.id,
        delivery.subscriptionId,
        delivery.tenantId,
        delivery.kind,
        delivery.eventType,
        JSON.stringify(delivery.channel),
        delivery.payload,
        delivery.createdAt,
        delivery.nextAttemptAt ?? delivery.createdAt,
      );
    return result.changes > 0;
  }

  get(id: string): Delivery | undefined {
    const record = this.db.prepare("SELECT * FROM deliveries WHERE id = ?").get(id) as DeliveryRecord | undefined;
    return record ? toDelivery(record) : undefined;
  }

  /** Takes a pending, due delivery for sending until `until`; undefined when it is not this caller's to send. */
  claim(id: string, now: Timestamp, until: Timestamp): Delivery | undefined {
    const claimed = this.db
      .prepare(
        `UPDATE deliveries SET claimed_until = ?
         WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)`,
      )
      .run(until, id, now, now);
    return claimed.changes > 0 ? this.get(id) : undefined;
  }

  /** Logs an attempt and moves the delivery on, in one transaction; releases the claim. */
  recordAttempt(attempt: DeliveryAttempt, result: AttemptResult): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, status_code, latency_ms, error)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          attempt.deliveryId,
          attempt.attempt,
          attempt.at,
          attempt.outcome,
          attempt.statusCode ?? null,
          Math.round(attempt.latencyMs),
          attempt.error ?? null,
        );
      this.db
        .prepare(
          `UPDATE deliveries SET status = ?, attempts = ?, claimed_until = NULL, enqueued_until = NULL,
             next_attempt_at = ?, delivered_at = ?, last_error = ?
           WHERE id = ?`,
        )
        .run(
          result.status,
          attempt.attempt,
          result.status === "pending" ? result.nextAttemptAt : null,
          result.status === "delivered" ? attempt.at : null,
          result.status === "failed" ? result.reason : (attempt.error ?? null),
          attempt.deliveryId,
        );
    })();
  }

  /**
   * Pending deliveries whose next attempt is due and that are not already queued; each
   * is marked queued until `until`, so a sweep that runs again does not queue it twice.
   */
  takeDue(now: Timestamp, until: Timestamp, limit: number): string[] {
    return this.db.transaction(() => {
      const ids = this.db
        .prepare(
          `SELECT id FROM deliveries
           WHERE status = 'pending' AND next_attempt_at <= ?
             AND (enqueued_until IS NULL OR enqueued_until <= ?) AND (claimed_until IS NULL OR claimed_until <= ?)
           ORDER BY next_attempt_at LIMIT ?`,
        )
        .pluck()
        .all(now, now, now, limit) as string[];
      const mark = this.db.prepare("UPDATE deliveries SET enqueued_until = ? WHERE id = ?");
      for (const id of ids) mark.run(until, id);
      return ids;
    })();
  }

  /** When the earliest pending delivery falls due, for a scheduler (or a test clock) to wait for. */
  nextDueAt(): Timestamp | undefined {
    const next = this.db
      .prepare("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'")
      .pluck()
      .get() as string | null;
    return next ?? undefined;
  }

  attempts(deliveryId: string): DeliveryAttempt[] {
    const rows = this.db
      .prepare(
        `SELECT delivery_id AS deliveryId, attempt, at, outcome, status_code AS statusCode, latency_ms AS latencyMs, error
         FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempt`,
      )
      .all(deliveryId) as (Omit<DeliveryAttempt, "statusCode" | "error"> & {
      statusCode: number | null;
      error: string | null;
    })[];
    return rows.map((row) => ({ ...row, statusCode: row.statusCode ?? undefined, error: row.error ?? undefined }));
  }

  /** A subscription's delivery log, newest first. */
  forSubscription(subscriptionId: string, limit: number): Delivery[] {
    const records = this.db
      .prepare("SELECT * FROM deliveries WHERE subscription_id = ? ORDER BY created_at DESC, id LIMIT ?")
      .all(subscriptionId, limit) as DeliveryRecord[];
    return records.map(toDelivery);
  }

  /** Deliveries that exhausted their attempts or were refused for good: the delivery dead letters. */
  failed(limit: number): Delivery[] {
    const records = this.db
      .prepare("SELECT * FROM deliveries WHERE status = 'failed' ORDER BY created_at, id LIMIT ?")
      .all(limit) as DeliveryRecord[];
    return records.map(toDelivery);
  }

  /** Gives a failed delivery a fresh set of attempts, due at `now`. */
  replay(id: string, now: Timestamp): boolean {
    const result = this.db
      .prepare(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = ?, claimed_until = NULL, enqueued_until = NULL
         WHERE id = ? AND status = 'failed'`,
      )
      .run(now, id);
    return result.changes > 0;
  }

  countByStatus(): Record<DeliveryStatus, number> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
    const rows = this.db.prepare("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status").all() as {
      status: DeliveryStatus;
      n: number;
    }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  endpointHealth(subscriptionId: string): EndpointHealth {
    const row = this.db
      .prepare(
        `SELECT subscription_id AS subscriptionId, failing_since AS failingSince, disabled_at AS disabledAt,
           disabled_reason AS disabledReason FROM endpoint_health WHERE subscription_id = ?`,
      )
      .get(subscriptionId) as Record<keyof EndpointHealth, string | null> | undefined;
    return {
      subscriptionId,
      failingSince: row?.failingSince ?? undefined,
      disabledAt: row?.disabledAt ?? undefined,
      disabledReason: row?.disabledReason ?? undefined,
    };
  }

  /** Notes a failed attempt; returns since when the endpoint has been failing without a success. */
  endpointFailed(subscriptionId: string, now: Timestamp): Timestamp {
    this.db
      .prepare(
        `INSERT INTO endpoint_health (subscription_id, failing_since) VALUES (?, ?)
         ON CONFLICT (subscription_id) DO UPDATE SET failing_since = COALESCE(failing_since, excluded.failing_since)`,
      )
      .run(subscriptionId, now);
    return this.endpointHealth(subscriptionId).failingSince ?? now;
  }

  endpointSucceeded(subscriptionId: string): void {
    this.db.prepare("UPDATE endpoint_health SET failing_since = NULL WHERE subscription_id = ?").run(subscriptionId);
  }

  disableEndpoint(subscriptionId: string, reason: string, now: Timestamp): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO endpoint_health (subscription_id, disabled_at, disabled_reason) VALUES (?, ?, ?)
         ON CONFLICT (subscription_id) DO UPDATE SET disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason
         WHERE disabled_at IS NULL`,
      )
      .run(subscriptionId, now, reason);
    return result.changes > 0;
  }

  enableEndpoint(subscriptionId: string): boolean {
    const result = this.db
      .prepare(
        `UPDATE endpoint_health SET disabled_at = NULL, disabled_reason = NULL, failing_since = NULL
         WHERE subscription_id = ? AND disabled_at IS NOT NULL`,
      )
      .run(subscriptionId);
    return result.changes > 0;
  }
}

const SUPPRESSION_STEPS = [
  `CREATE TABLE email_suppressions (
     address TEXT PRIMARY KEY,
     reason TEXT NOT NULL,
     at TEXT NOT NULL
   );`,
];

/** Email addresses never to mail again (unsubscribed, hard-bounced, complained), matched without case. */
export class SqliteSuppressionList implements EmailSuppressions {
  constructor(private readonly db: Database.Database) {
    migrate(db, "email-suppressions", SUPPRESSION_STEPS);
  }

  async suppress(address: string, reason: string, at: string): Promise<void> {
    this.db
      .prepare("INSERT INTO email_suppressions (address, reason, at) VALUES (?, ?, ?) ON CONFLICT (address) DO NOTHING")
      .run(address.trim().toLowerCase(), reason, at);
  }

  async isSuppressed(address: string): Promise<boolean> {
    return (
      this.db.prepare("SELECT 1 FROM email_suppressions WHERE address = ?").get(address.trim().toLowerCase()) !==
      undefined
    );
  }

  async list(limit: number): Promise<{ address: string; reason: string; at: string }[]> {
    return this.db
      .prepare("SELECT address, reason, at FROM email_suppressions ORDER BY at, address LIMIT ?")
      .all(limit) as {
      address: string;
      reason: string;
      at: string;
    }[];
  }
}
