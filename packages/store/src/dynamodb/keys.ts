import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type ApiKey, type KeyStore, stableId, type Tenant, type Timestamp } from "@treatywatch/core";
import { conditionally, OnTable, queryAll, timeKey } from "./shared.ts";

interface TenantRecord {
  tenant: Tenant;
}

interface KeyRecord {
  key: ApiKey;
}

const tenantKey = (id: string) => ({ pk: `TENANT#${id}`, sk: "TENANT" });
const apiKeyKey = (hash: string) => ({ pk: `APIKEY#${hash}`, sk: "APIKEY" });
const ALL_KEYS = "APIKEYS";

/**
 * Tenants and API key hashes on the shared table. A key is stored under its hash, the
 * lookup every request makes; listings and revocation read the key index.
 */
export class DynamoKeyStore extends OnTable implements KeyStore {
  async ensureTenant(name: string, now: Timestamp): Promise<Tenant> {
    // The id derives from the name, so the record's key is the uniqueness check.
    const tenant: Tenant = { id: stableId("tnt", name), name, createdAt: now };
    await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...tenantKey(tenant.id), tenant },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    const existing = await this.getTenant(tenant.id);
    if (!existing) throw new Error(`tenant ${tenant.id} was written and is not there`);
    return existing;
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: tenantKey(id), ConsistentRead: true }),
    );
    return (result.Item as TenantRecord | undefined)?.tenant;
  }

  async setTenantContact(id: string, contactEmail: string | undefined): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: tenantKey(id),
          ...(contactEmail === undefined
            ? { UpdateExpression: "REMOVE #tenant.contactEmail" }
            : {
                UpdateExpression: "SET #tenant.contactEmail = :email",
                ExpressionAttributeValues: { ":email": contactEmail },
              }),
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#tenant": "tenant" },
        }),
      ),
    );
  }

  async saveKey(key: ApiKey): Promise<void> {
    const saved = await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...apiKeyKey(key.hash),
            gsi1pk: `KEYS#${key.tenantId}`,
            gsi1sk: timeKey(key.createdAt, key.id),
            gsi2pk: ALL_KEYS,
            gsi2sk: timeKey(key.createdAt, key.id),
            keyId: key.id,
            prefix: key.prefix,
            key,
          },
          ConditionExpression: "attribute_not_exists(pk) OR keyId = :id",
          ExpressionAttributeValues: { ":id": key.id },
        }),
      ),
    );
    if (!saved) throw new Error("an API key with this hash already exists");
  }

  async findKeyByHash(hash: string): Promise<ApiKey | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: apiKeyKey(hash), ConsistentRead: true }),
    );
    return (result.Item as KeyRecord | undefined)?.key;
  }

  async listKeys(tenantId?: string): Promise<ApiKey[]> {
    const records = await queryAll<KeyRecord>(
      this.doc,
      tenantId
        ? {
            TableName: this.table,
            IndexName: "gsi1",
            KeyConditionExpression: "gsi1pk = :pk",
            ExpressionAttributeValues: { ":pk": `KEYS#${tenantId}` },
          }
        : {
            TableName: this.table,
            IndexName: "gsi2",
            KeyConditionExpression: "gsi2pk = :pk",
            ExpressionAttributeValues: { ":pk": ALL_KEYS },
          },
    );
    return records.map((record) => record.key);
  }

  async revokeKey(idOrPrefix: string, now: Timestamp): Promise<boolean> {
    // Keys are few, so revocation reads them all rather than keeping an index by prefix.
    const matching = (await this.listKeys()).filter((key) => key.id === idOrPrefix || key.prefix === idOrPrefix);
    const revoked = await Promise.all(
      matching.map((key) =>
        conditionally(() =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.table,
              Key: apiKeyKey(key.hash),
              UpdateExpression: "SET #key.revokedAt = :now",
              ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#key.revokedAt)",
              ExpressionAttributeNames: { "#key": "key" },
              ExpressionAttributeValues: { ":now": now },
            }),
          ),
        ),
      ),
    );
    return revoked.includes(true);
  }
}
