import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  decodeCursor,
  type Page,
  type PendingConfirmation,
  type SigningSecret,
  type Subscription,
  type SubscriptionStore,
  type Timestamp,
} from "@treatywatch/core";
import { conditionally, epochSeconds, OnTable, pageOf, queryAll, queryUpTo, timeKey } from "./shared.ts";

interface SubscriptionRecord {
  subscription: Subscription;
  unsubscribeToken: string;
}

interface ConfirmationRecord {
  subscriptionId: string;
  until: Timestamp;
}

interface SecretRecord {
  sk: string;
  secret: SigningSecret;
}

interface TokenRecord {
  subscriptionId: string;
}

const subscriptionKey = (id: string) => ({ pk: `SUB#${id}`, sk: "SUB" });
const confirmationKey = (tokenHash: string) => ({ pk: `CONFIRM#${tokenHash}`, sk: "CONFIRM" });
const unsubscribeKey = (token: string) => ({ pk: `UNSUB#${token}`, sk: "UNSUB" });
const SECRET = "SECRET#";

/**
 * Subscriptions on the shared table. A subscription and its signing secrets share a
 * partition; confirmation and unsubscribe tokens are records of their own, keyed by the
 * token (the confirmation by its hash only), so each lookup is one read. Without
 * transactions, a new subscription's tokens are written before the subscription: a
 * token that outlives a failed create points at nothing and finds nothing.
 */
export class DynamoSubscriptionStore extends OnTable implements SubscriptionStore {
  async createSubscription(
    subscription: Subscription,
    extras: {
      confirmation?: PendingConfirmation | undefined;
      secret?: SigningSecret | undefined;
      unsubscribeToken: string;
    },
  ): Promise<void> {
    await this.#putToken(unsubscribeKey(extras.unsubscribeToken), subscription.id);
    if (extras.confirmation) await this.addConfirmation(subscription.id, extras.confirmation);
    if (extras.secret) await this.#putSecret(subscription.id, extras.secret);
    const created = await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.#record(subscription), unsubscribeToken: extras.unsubscribeToken },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    if (!created) throw new Error(`subscription ${subscription.id} already exists`);
  }

  async getSubscription(tenantId: string, id: string): Promise<Subscription | undefined> {
    const subscription = await this.findSubscription(id);
    return subscription?.tenantId === tenantId ? subscription : undefined;
  }

  async findSubscription(id: string): Promise<Subscription | undefined> {
    return (await this.#read(id))?.subscription;
  }

  async listSubscriptions(
    tenantId: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<Subscription>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const records = await queryUpTo<SubscriptionRecord>(
      this.doc,
      {
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: after ? "gsi1pk = :pk AND gsi1sk < :before" : "gsi1pk = :pk",
        ExpressionAttributeValues: {
          ":pk": tenantPartition(tenantId),
          ...(after ? { ":before": timeKey(after.key, after.id) } : {}),
        },
        ScanIndexForward: false,
      },
      query.limit + 1,
    );
    return pageOf(
      records.map((record) => record.subscription),
      query.limit,
      (subscription) => subscription.createdAt,
    );
  }

  async subscriptionsWithStatus(status: Subscription["status"]): Promise<Subscription[]> {
    const records = await queryAll<SubscriptionRecord>(this.doc, {
      TableName: this.table,
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": statusPartition(status) },
    });
    return records.map((record) => record.subscription);
  }

  async updateSubscription(subscription: Subscription): Promise<boolean> {
    const record = this.#record(subscription);
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: subscriptionKey(subscription.id),
          UpdateExpression: "SET subscription = :subscription, gsi2pk = :status, gsi2sk = :at",
          ConditionExpression: "attribute_exists(pk) AND tenantId = :tenant",
          ExpressionAttributeValues: {
            ":subscription": subscription,
            ":status": record.gsi2pk,
            ":at": record.gsi2sk,
            ":tenant": subscription.tenantId,
          },
        }),
      ),
    );
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    const deleted = await conditionally(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: subscriptionKey(id),
          ConditionExpression: "attribute_exists(pk) AND tenantId = :tenant",
          ExpressionAttributeValues: { ":tenant": tenantId },
        }),
      ),
    );
    if (deleted) {
      // The secrets go with it; its tokens now point at nothing and find nothing.
      const secrets = await this.#secretRecords(id);
      await Promise.all(
        secrets.map((record) =>
          this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: `SUB#${id}`, sk: record.sk } })),
        ),
      );
    }
    return deleted;
  }

  async addConfirmation(subscriptionId: string, confirmation: PendingConfirmation): Promise<void> {
    const { tokenHash, expiresAt } = confirmation;
    await this.#putToken(confirmationKey(tokenHash), subscriptionId, {
      until: expiresAt,
      expiresAt: epochSeconds(expiresAt),
    });
  }

  async confirmSubscription(tokenHash: string, now: Timestamp): Promise<Subscription | undefined> {
    // Deleting the token is the spend: of two concurrent confirmations only one gets it back.
    const spent = await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: confirmationKey(tokenHash), ReturnValues: "ALL_OLD" }),
    );
    const pending = spent.Attributes as ConfirmationRecord | undefined;
    if (!pending || pending.until <= now) return undefined;
    const subscription = await this.findSubscription(pending.subscriptionId);
    if (subscription?.status !== "pending") return subscription;
    const confirmed: Subscription = { ...subscription, status: "active", updatedAt: now };
    const record = this.#record(confirmed);
    const updated = await conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: subscriptionKey(confirmed.id),
          UpdateExpression: "SET subscription = :subscription, gsi2pk = :status, gsi2sk = :at",
          ConditionExpression: "attribute_exists(pk) AND subscription.#status = :pending",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":subscription": confirmed,
            ":status": record.gsi2pk,
            ":at": record.gsi2sk,
            ":pending": "pending",
          },
        }),
      ),
    );
    return updated ? confirmed : this.findSubscription(confirmed.id);
  }

  async signingSecrets(subscriptionId: string, now: Timestamp): Promise<SigningSecret[]> {
    const records = await this.#secretRecords(subscriptionId);
    return records
      .map((record) => record.secret)
      .filter((secret) => secret.expiresAt === undefined || secret.expiresAt > now)
      .reverse();
  }

  async rotateSigningSecret(subscriptionId: string, secret: SigningSecret, overlapUntil: Timestamp): Promise<void> {
    const current = await this.#secretRecords(subscriptionId);
    await Promise.all(
      current
        .filter((record) => record.secret.expiresAt === undefined || record.secret.expiresAt > overlapUntil)
        .map((record) =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.table,
              Key: { pk: `SUB#${subscriptionId}`, sk: record.sk },
              UpdateExpression: "SET secret.expiresAt = :until, expiresAt = :ttl",
              ExpressionAttributeValues: { ":until": overlapUntil, ":ttl": epochSeconds(overlapUntil) },
            }),
          ),
        ),
    );
    await this.#putSecret(subscriptionId, secret);
  }

  async unsubscribeToken(subscriptionId: string): Promise<string | undefined> {
    return (await this.#read(subscriptionId))?.unsubscribeToken;
  }

  async findByUnsubscribeToken(token: string): Promise<Subscription | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: unsubscribeKey(token), ConsistentRead: true }),
    );
    const record = result.Item as TokenRecord | undefined;
    return record && this.findSubscription(record.subscriptionId);
  }

  #record(subscription: Subscription) {
    return {
      ...subscriptionKey(subscription.id),
      gsi1pk: tenantPartition(subscription.tenantId),
      gsi1sk: timeKey(subscription.createdAt, subscription.id),
      gsi2pk: statusPartition(subscription.status),
      gsi2sk: timeKey(subscription.createdAt, subscription.id),
      tenantId: subscription.tenantId,
      subscription,
    };
  }

  async #read(id: string): Promise<SubscriptionRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: subscriptionKey(id), ConsistentRead: true }),
    );
    return result.Item as SubscriptionRecord | undefined;
  }

  /** A token is written once for one subscription; a retried create writes it again. */
  async #putToken(key: { pk: string; sk: string }, subscriptionId: string, extra: object = {}): Promise<void> {
    const written = await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, subscriptionId, ...extra },
          ConditionExpression: "attribute_not_exists(pk) OR subscriptionId = :id",
          ExpressionAttributeValues: { ":id": subscriptionId },
        }),
      ),
    );
    if (!written) throw new Error("token already belongs to another subscription");
  }

  async #putSecret(subscriptionId: string, secret: SigningSecret): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `SUB#${subscriptionId}`,
          // Sorted by creation, then by the secret itself; a retried write lands on the same record.
          sk: `${SECRET}${secret.createdAt}#${secret.secret}`,
          secret,
          expiresAt: secret.expiresAt === undefined ? undefined : epochSeconds(secret.expiresAt),
        },
      }),
    );
  }

  /** A subscription's secrets, oldest first. */
  async #secretRecords(subscriptionId: string): Promise<SecretRecord[]> {
    return queryAll<SecretRecord>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :secret)",
      ExpressionAttributeValues: { ":pk": `SUB#${subscriptionId}`, ":secret": SECRET },
      ConsistentRead: true,
    });
  }
}

const tenantPartition = (tenantId: string) => `TENANT#${tenantId}#SUBS`;
const statusPartition = (status: Subscription["status"]) => `SUBS#${status}`;
