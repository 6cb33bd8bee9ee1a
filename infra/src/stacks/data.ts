import { TABLE_KEYS } from "@treatywatch/store/dynamodb";
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { acknowledge } from "../nag.ts";

/** The webhook secret key's source: 64 random letters and digits, about 380 bits. */
export const WEBHOOK_KEY_SECRET_LENGTH = 64;

/**
 * The single table the DynamoDB store uses: keys and indexes from the adapter's own
 * definition, on-demand, point-in-time recovery, TTL on `expiresAt`. It outlives the stack,
 * as does the secret the webhook signing secrets' encryption key derives from.
 */
export class DataStack extends Stack {
  readonly table: TableV2;
  /** The API's request counts, one item a key and window, which TTL removes: rate limits shared by every instance. */
  readonly rateLimits: TableV2;
  /** Generated at deploy time; the functions derive the AES-256 key from it (HKDF-SHA256). */
  readonly webhookKey: Secret;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.table = new TableV2(this, "Table", {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: TABLE_KEYS.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
    });
    new CfnOutput(this, "TableName", {
      description: "the DynamoDB table; `treatywatch keys` and `feeds` with --aws find it here",
      value: this.table.tableName,
    });
    this.rateLimits = new TableV2(this, "RateLimits", {
      // rate-limiter-flexible's DynamoDB schema (RATE_LIMIT_TABLE_KEYS in apps/api): `key`, and `expire` in Unix seconds.
      partitionKey: { name: "key", type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: "expire",
      encryption: TableEncryptionV2.awsManagedKey(),
      // Counts that lapse within minutes: nothing to keep if the stack goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(this.rateLimits, [
      {
        id: "AwsSolutions-DDB3",
        reason:
          "Rate-limit counts live a minute and expire by TTL; restoring them to an earlier point would restore nothing worth having.",
      },
    ]);
    new CfnOutput(this, "RateLimitTableName", {
      description: "the table every API instance counts requests in",
      value: this.rateLimits.tableName,
    });
    this.webhookKey = new Secret(this, "WebhookSecretKey", {
      description:
        "treatywatch: webhook signing secrets are sealed with an AES-256 key derived from this value (HKDF-SHA256)",
      generateSecretString: {
        passwordLength: WEBHOOK_KEY_SECRET_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: true,
      },
      // Losing it loses every sealed webhook secret, like losing the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.webhookKey, [
      {
        id: "AwsSolutions-SMG4",
        reason:
          "Rotated by hand with put-secret-value (README, Security): the functions read AWSCURRENT to seal and AWSPREVIOUS to open, so no rotation function is needed, and a scheduled one would rotate away keys still sealing stored secrets.",
      },
    ]);
  }
}
