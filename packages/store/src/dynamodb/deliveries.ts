import { GetCommand, PutCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type {
  AttemptResult,
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  DeliveryStore,
  EmailSuppressions,
  EndpointHealth,
  NewDelivery,
  Timestamp,
} from "@treatywatch/core";
import {
  conditionally,
  type DynamoTableOptions,
  expiresAt,
  isConditionFailure,
  OnTable,
  queryAll,
  queryUpTo,
  timeKey,
} from "./shared.ts";

/** A delivery as stored: its fields at the top level, so conditions can read them, and its claims. */
interface DeliveryRecord extends Delivery {
  claimedUntil?: Timestamp;
  enqueuedUntil?: Timestamp;
}

const deliveryKey = (id: string) => ({ pk: `DELIVERY#${id}`, sk: "DELIVERY" });
const endpointKey = (subscriptionId: string) => ({ pk: `ENDPOINT#${subscriptionId}`, sk: "ENDPOINT" });
const statusPartition = (status: DeliveryStatus) => `DELIVERIES#${status}`;
/** Attempt numbers padded, so the log sorts in order past the ninth. */
const attemptSort = (attempt: number) => `ATTEMPT#${String(attempt).padStart(6, "0")}`;

/** Where a delivery sits in the status index: pending by when it falls due, the others by time. */
function statusIndex(delivery: Pick<Delivery, "id" | "status" | "createdAt" | "nextAttemptAt" | "deliveredAt">) {
  const at =
    delivery.status === "pending"
      ? (delivery.nextAttemptAt ?? delivery.createdAt)
      : delivery.status === "delivered"
        ? (delivery.deliveredAt ?? delivery.createdAt)
        : delivery.createdAt;
  return { gsi1pk: statusPartition(delivery.status), gsi1sk: timeKey(at, delivery.id) };
}

function deliveryFrom(record: DeliveryRecord): Delivery {
  return {
    id: record.id,
    subscriptionId: record.subscriptionId,
    tenantId: record.tenantId,
    kind: record.kind,
    eventType: record.eventType,
    channel: record.channel,
    payload: record.payload,
    status: record.status,
    attempts: record.attempts,
    createdAt: record.createdAt,
    nextAttemptAt: record.nextAttemptAt,
    deliveredAt: record.deliveredAt,
    lastError: record.lastError,
  };
}

/** Free to send at `now`: neither claimed by a sender nor queued by a sweep whose hold is still on. */
const FREE =
  "(attribute_not_exists(#claimed) OR #claimed <= :now) AND (attribute_not_exists(#queued) OR #queued <= :now)";
const FREE_NAMES = { "#claimed": "claimedUntil", "#queued": "enqueuedUntil" };

/**
 * Deliveries, their attempt log and webhook endpoint health on the shared table.
 * Claims and queue holds are times on the delivery compared in conditional writes,
 * so of two workers only one holds a delivery, and a lapsed claim frees it again.
 */
export class DynamoDeliveryStore extends OnTable implements DeliveryStore {
  readonly #retentionDays: number | undefined;

  /** With `retentionDays`, a delivery and its attempt log expire (TTL) that many days after each was written. */
  constructor(options: DynamoTableOptions & { retentionDays?: number | undefined }) {
    super(options);
    this.#retentionDays = options.retentionDays;
  }

  #expiry(at: Timestamp): number | undefined {
    return this.#retentionDays ? expiresAt(at, this.#retentionDays) : undefined;
  }

  async create(delivery: NewDelivery): Promise<boolean> {
    const record: Delivery = {
      ...delivery,
      status: "pending",
      attempts: 0,
      nextAttemptAt: delivery.nextAttemptAt ?? delivery.createdAt,
    };
    return conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...deliveryKey(delivery.id),
            ...statusIndex(record),
            gsi3pk: `SUBDELIVERIES#${delivery.subscriptionId}`,
            gsi3sk: timeKey(delivery.createdAt, delivery.id),
            ...record,
            expiresAt: this.#expiry(delivery.createdAt),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  async get(id: string): Promise<Delivery | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: deliveryKey(id), ConsistentRead: true }),
    );
    const record = result.Item as DeliveryRecord | undefined;
    return record && deliveryFrom(record);
  }

  async claim(id: string, now: Timestamp, until: Timestamp): Promise<Delivery | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: deliveryKey(id),
          UpdateExpression: "SET #claimed = :until",
          ConditionExpression:
            "#status = :pending AND #next <= :now AND (attribute_not_exists(#claimed) OR #claimed <= :now)",
          ExpressionAttributeNames: { "#status": "status", "#next": "nextAttemptAt", "#claimed": "claimedUntil" },
          ExpressionAttributeValues: { ":until": until, ":pending": "pending", ":now": now },
          ReturnValues: "ALL_NEW",
        }),
      );
      return deliveryFrom(result.Attributes as DeliveryRecord);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async recordAttempt(attempt: DeliveryAttempt, result: AttemptResult): Promise<void> {
    // A retried call finds its attempt logged already and still moves the delivery on.
    await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: deliveryKey(attempt.deliveryId).pk,
            sk: attemptSort(attempt.attempt),
            attempt: { ...attempt, latencyMs: Math.round(attempt.latencyMs) },
            expiresAt: this.#expiry(attempt.at),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    const current = await this.get(attempt.deliveryId);
    if (!current) return;
    const next: Delivery = {
      ...current,
      status: result.status,
      attempts: attempt.attempt,
      nextAttemptAt: result.status === "pending" ? result.nextAttemptAt : undefined,
      deliveredAt: result.status === "delivered" ? attempt.at : undefined,
      lastError: result.status === "failed" ? result.reason : attempt.error,
    };
    const set: Record<string, unknown> = {
      ":status": next.status,
      ":attempts": next.attempts,
      ...Object.fromEntries(Object.entries(statusIndex(next)).map(([name, value]) => [`:${name}`, value])),
    };
    const names: Record<string, string> = {
      "#status": "status",
      "#attempts": "attempts",
      "#claimed": "claimedUntil",
      "#queued": "enqueuedUntil",
    };
    const assignments = ["#status = :status", "#attempts = :attempts", "gsi1pk = :gsi1pk", "gsi1sk = :gsi1sk"];
    const removals = ["#claimed", "#queued"];
    for (const field of ["nextAttemptAt", "deliveredAt", "lastError"] as const) {
      names[`#${field}`] = field;
      const value = next[field];
      if (value === undefined) removals.push(`#${field}`);
      else {
        assignments.push(`#${field} = :${field}`);
        set[`:${field}`] = value;
      }
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: deliveryKey(attempt.deliveryId),
        UpdateExpression: `SET ${assignments.join(", ")} REMOVE ${removals.join(", ")}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: set,
      }),
    );
  }

  async takeDue(now: Timestamp, until: Timestamp, limit: number): Promise<string[]> {
    // "$" sorts just after "#": every `<now>#<id>` is below the bound.
    const due = await queryUpTo<DeliveryRecord>(
      this.doc,
      {
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :upper",
        FilterExpression: FREE,
        ExpressionAttributeNames: FREE_NAMES,
        ExpressionAttributeValues: { ":pk": statusPartition("pending"), ":upper": `${now}$`, ":now": now },
      },
      limit,
    );
    // The index is read eventually; the mark is checked on the record itself.
    const marked = await Promise.all(
      due.map((record) =>
        conditionally(() =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.table,
              Key: deliveryKey(record.id),
              UpdateExpression: "SET #queued = :until",
              ConditionExpression: `#status = :pending AND #next <= :now AND ${FREE}`,
              ExpressionAttributeNames: { ...FREE_NAMES, "#status": "status", "#next": "nextAttemptAt" },
              ExpressionAttributeValues: { ":until": until, ":pending": "pending", ":now": now },
            }),
          ),
        ),
      ),
    );
    return due.filter((_, index) => marked[index]).map((record) => record.id);
  }

  async nextDueAt(): Promise<Timestamp | undefined> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": statusPartition("pending") },
        Limit: 1,
      }),
    );
    return (result.Items?.[0] as DeliveryRecord | undefined)?.nextAttemptAt;
  }

  async attempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    const records = await queryAll<{ attempt: DeliveryAttempt }>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :attempt)",
      ExpressionAttributeValues: { ":pk": deliveryKey(deliveryId).pk, ":attempt": "ATTEMPT#" },
      ConsistentRead: true,
    });
    return records.map((record) => record.attempt);
  }

  async forSubscription(subscriptionId: string, limit: number): Promise<Delivery[]> {
    const records = await queryUpTo<DeliveryRecord>(
      this.doc,
      {
        TableName: this.table,
        IndexName: "gsi3",
        KeyConditionExpression: "gsi3pk = :pk",
        ExpressionAttributeValues: { ":pk": `SUBDELIVERIES#${subscriptionId}` },
        ScanIndexForward: false,
      },
      limit,
    );
    return records.map(deliveryFrom);
  }

  async failed(limit: number): Promise<Delivery[]> {
    const records = await queryUpTo<DeliveryRecord>(
      this.doc,
      {
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": statusPartition("failed") },
      },
      limit,
    );
    return records.map(deliveryFrom);
  }

  async replay(id: string, now: Timestamp): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: deliveryKey(id),
          UpdateExpression: "SET #status = :pending, #next = :now, gsi1pk = :pk, gsi1sk = :sk REMOVE #claimed, #queued",
          ConditionExpression: "#status = :failed",
          ExpressionAttributeNames: { ...FREE_NAMES, "#status": "status", "#next": "nextAttemptAt" },
          ExpressionAttributeValues: {
            ":pending": "pending",
            ":failed": "failed",
            ":now": now,
            ":pk": statusPartition("pending"),
            ":sk": timeKey(now, id),
          },
        }),
      ),
    );
  }

  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const statuses: DeliveryStatus[] = ["pending", "delivered", "failed"];
    const counts = await Promise.all(statuses.map((status) => this.#count(statusPartition(status))));
    return { pending: counts[0] ?? 0, delivered: counts[1] ?? 0, failed: counts[2] ?? 0 };
  }

  async endpointHealth(subscriptionId: string): Promise<EndpointHealth> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: endpointKey(subscriptionId), ConsistentRead: true }),
    );
    const record = result.Item as Partial<EndpointHealth> | undefined;
    return {
      subscriptionId,
      failingSince: record?.failingSince,
      disabledAt: record?.disabledAt,
      disabledReason: record?.disabledReason,
    };
  }

  async endpointFailed(subscriptionId: string, now: Timestamp): Promise<Timestamp> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: endpointKey(subscriptionId),
        UpdateExpression: "SET failingSince = if_not_exists(failingSince, :now)",
        ExpressionAttributeValues: { ":now": now },
        ReturnValues: "ALL_NEW",
      }),
    );
    return (result.Attributes as Partial<EndpointHealth> | undefined)?.failingSince ?? now;
  }

  async endpointSucceeded(subscriptionId: string): Promise<void> {
    await conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(subscriptionId),
          UpdateExpression: "REMOVE failingSince",
          ConditionExpression: "attribute_exists(pk)",
        }),
      ),
    );
  }

  async disableEndpoint(subscriptionId: string, reason: string, now: Timestamp): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(subscriptionId),
          UpdateExpression: "SET disabledAt = :now, disabledReason = :reason",
          ConditionExpression: "attribute_not_exists(disabledAt)",
          ExpressionAttributeValues: { ":now": now, ":reason": reason },
        }),
      ),
    );
  }

  async enableEndpoint(subscriptionId: string): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(subscriptionId),
          UpdateExpression: "REMOVE disabledAt, disabledReason, failingSince",
          ConditionExpression: "attribute_exists(disabledAt)",
        }),
      ),
    );
  }

  async #count(partition: string): Promise<number> {
    const input: QueryCommandInput = {
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": partition },
      Select: "COUNT",
    };
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      count += result.Count ?? 0;
      start = result.LastEvaluatedKey;
    } while (start);
    return count;
  }
}

const SUPPRESSIONS = "SUPPRESSIONS";

/** The email suppression list on the shared table: one record per address, the first reason kept. */
export class DynamoSuppressionList extends OnTable implements EmailSuppressions {
  async suppress(address: string, reason: string, at: Timestamp): Promise<void> {
    const normalised = address.trim().toLowerCase();
    await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `SUPPRESS#${normalised}`,
            sk: "SUPPRESS",
            gsi1pk: SUPPRESSIONS,
            gsi1sk: timeKey(at, normalised),
            address: normalised,
            reason,
            at,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  async isSuppressed(address: string): Promise<boolean> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `SUPPRESS#${address.trim().toLowerCase()}`, sk: "SUPPRESS" },
        ConsistentRead: true,
      }),
    );
    return result.Item !== undefined;
  }

  async list(limit: number): Promise<{ address: string; reason: string; at: Timestamp }[]> {
    const records = await queryUpTo<{ address: string; reason: string; at: Timestamp }>(
      this.doc,
      {
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": SUPPRESSIONS },
      },
      limit,
    );
    return records.map(({ address, reason, at }) => ({ address, reason, at }));
  }
}
