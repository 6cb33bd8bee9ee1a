import {
  decodeCursor,
  encodeCursor,
  type Page,
  type PendingConfirmation,
  type SigningSecret,
  type Subscription,
  type SubscriptionStore,
  type Timestamp,
} from "@treatywatch/core";
import type Database from "better-sqlite3";
import { migrate } from "./schema.ts";

const MIGRATIONS = [
  `
  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    subscription TEXT NOT NULL
  );
  CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id, created_at DESC, id DESC);
  CREATE INDEX subscriptions_status ON subscriptions (status);

  CREATE TABLE subscription_confirmations (
    token_hash TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
  );

  CREATE TABLE subscription_secrets (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    PRIMARY KEY (subscription_id, secret)
  );
  `,
];

interface SubscriptionRow {
  id: string;
  created_at: string;
  subscription: string;
}

interface SecretRow {
  secret: string;
  created_at: string;
  expires_at: string | null;
}

const subscriptionFrom = (row: SubscriptionRow): Subscription => JSON.parse(row.subscription) as Subscription;

/**
 * Subscriptions in the shared SQLite database. Webhook signing secrets are kept as they
 * are, since signing needs them; the database file is the boundary that protects them.
 * Confirmation tokens are kept only as hashes.
 */
export class SqliteSubscriptionStore implements SubscriptionStore {
  constructor(private readonly db: Database.Database) {
    migrate(db, "subscriptions", MIGRATIONS);
  }

  async createSubscription(
    subscription: Subscription,
    extras: {
      confirmation?: PendingConfirmation | undefined;
      secret?: SigningSecret | undefined;
      unsubscribeToken: string;
    },
  ): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO subscriptions (id, tenant_id, status, created_at, unsubscribe_token, subscription)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          subscription.id,
          subscription.tenantId,
          subscription.status,
          subscription.createdAt,
          extras.unsubscribeToken,
          JSON.stringify(subscription),
        );
      if (extras.confirmation) {
        this.db
          .prepare("INSERT INTO subscription_confirmations (token_hash, subscription_id, expires_at) VALUES (?, ?, ?)")
          .run(extras.confirmation.tokenHash, subscription.id, extras.confirmation.expiresAt);
      }
      if (extras.secret) this.insertSecret(subscription.id, extras.secret);
    })();
  }

  private insertSecret(subscriptionId: string, secret: SigningSecret): void {
    this.db
      .prepare("INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .run(subscriptionId, secret.secret, secret.createdAt, secret.expiresAt ?? null);
  }

  async getSubscription(tenantId: string, id: string): Promise<Subscription | undefined> {
    const row = this.db.prepare("SELECT * FROM subscriptions WHERE id = ? AND tenant_id = ?").get(id, tenantId) as
      | SubscriptionRow
      | undefined;
    return row && subscriptionFrom(row);
  }

  async findSubscription(id: string): Promise<Subscription | undefined> {
    const row = this.db.prepare("SELECT * FROM subscriptions WHERE id = ?").get(id) as SubscriptionRow | undefined;
    return row && subscriptionFrom(row);
  }

  async listSubscriptions(
    tenantId: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<Subscription>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = (
      after
        ? this.db
            .prepare(
              `SELECT * FROM subscriptions WHERE tenant_id = ? AND (created_at, id) < (?, ?)
               ORDER BY created_at DESC, id DESC LIMIT ?`,
            )
            .all(tenantId, after.key, after.id, query.limit + 1)
        : this.db
            .prepare("SELECT * FROM subscriptions WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?")
            .all(tenantId, query.limit + 1)
    ) as SubscriptionRow[];
    const data = rows.slice(0, query.limit);
    const last = data.at(-1);
    return {
      data: data.map(subscriptionFrom),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ key: last.created_at, id: last.id }) : undefined,
    };
  }

  async subscriptionsWithStatus(status: Subscription["status"]): Promise<Subscription[]> {
    const rows = this.db
      .prepare("SELECT * FROM subscriptions WHERE status = ? ORDER BY created_at, id")
      .all(status) as SubscriptionRow[];
    return rows.map(subscriptionFrom);
  }

  async updateSubscription(subscription: Subscription): Promise<boolean> {
    const result = this.db
      .prepare("UPDATE subscriptions SET status = ?, subscription = ? WHERE id = ? AND tenant_id = ?")
      .run(subscription.status, JSON.stringify(subscription), subscription.id, subscription.tenantId);
    return result.changes > 0;
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    return this.db.prepare("DELETE FROM subscriptions WHERE id = ? AND tenant_id = ?").run(id, tenantId).changes > 0;
  }

  async addConfirmation(subscriptionId: string, confirmation: PendingConfirmation): Promise<void> {
    this.db
      .prepare("INSERT INTO subscription_confirmations (token_hash, subscription_id, expires_at) VALUES (?, ?, ?)")
      .run(confirmation.tokenHash, subscriptionId, confirmation.expiresAt);
  }

  async confirmSubscription(tokenHash: string, now: Timestamp): Promise<Subscription | undefined> {
    return this.db.transaction(() => {
      const pending = this.db
        .prepare("DELETE FROM subscription_confirmations WHERE token_hash = ? RETURNING subscription_id, expires_at")
        .get(tokenHash) as { subscription_id: string; expires_at: string } | undefined;
      if (!pending || pending.expires_at <= now) return undefined;
      const row = this.db.prepare("SELECT * FROM subscriptions WHERE id = ?").get(pending.subscription_id) as
        | SubscriptionRow
        | undefined;
      if (!row) return undefined;
      const subscription = subscriptionFrom(row);
      if (subscription.status !== "pending") return subscription;
      const confirmed: Subscription = { ...subscription, status: "active", updatedAt: now };
      this.db
        .prepare("UPDATE subscriptions SET status = ?, subscription = ? WHERE id = ?")
        .run(confirmed.status, JSON.stringify(confirmed), confirmed.id);
      return confirmed;
    })();
  }

  async signingSecrets(subscriptionId: string, now: Timestamp): Promise<SigningSecret[]> {
    const rows = this.db
      .prepare(
        `SELECT secret, created_at, expires_at FROM subscription_secrets
         WHERE subscription_id = ? AND (expires_at IS NULL OR expires_at > ?)
         ORDER BY created_at DESC, rowid DESC`,
      )
      .all(subscriptionId, now) as SecretRow[];
    return rows.map((row) => ({
      secret: row.secret,
      createdAt: row.created_at,
      expiresAt: row.expires_at ?? undefined,
    }));
  }

  async rotateSigningSecret(subscriptionId: string, secret: SigningSecret, overlapUntil: Timestamp): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE subscription_secrets SET expires_at = ?
           WHERE subscription_id = ? AND (expires_at IS NULL OR expires_at > ?)`,
        )
        .run(overlapUntil, subscriptionId, overlapUntil);
      this.insertSecret(subscriptionId, secret);
    })();
  }

  async unsubscribeToken(subscriptionId: string): Promise<string | undefined> {
    return this.db.prepare("SELECT unsubscribe_token FROM subscriptions WHERE id = ?").pluck().get(subscriptionId) as
      | string
      | undefined;
  }

  async findByUnsubscribeToken(token: string): Promise<Subscription | undefined> {
    const row = this.db.prepare("SELECT * FROM subscriptions WHERE unsubscribe_token = ?").get(token) as
      | SubscriptionRow
      | undefined;
    return row && subscriptionFrom(row);
  }
}
