import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * The single table's key names and indexes. The CDK data stack and the tests
 * create the table from these, so the adapter and the deployed table agree.
 */
export const TABLE_KEYS = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Epoch seconds after which DynamoDB may delete the record. */
  ttlAttribute: "expiresAt",
  indexes: [
    /**
     * Items by fetch time, stories by update time (gsi1pk "ITEMS" or "STORIES"), a tenant's
     * API keys ("KEYS#<tenantId>") and subscriptions ("TENANT#<tenantId>#SUBS"), deliveries by
     * status ("DELIVERIES#<status>") and the email suppression list ("SUPPRESSIONS").
     */
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    /**
     * Feeds due to poll (gsi2pk "DUE#<shard>"), items by feed ("FEED#<id>"), every API key
     * ("APIKEYS") and subscriptions by status ("SUBS#<status>").
     */
    { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
    /** Items by story (gsi3pk "STORY#<id>") and a subscription's deliveries ("SUBDELIVERIES#<id>"). */
    { name: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  ],
} as const;

export type IndexName = (typeof TABLE_KEYS.indexes)[number]["name"];

/** The table as CreateTable wants it: on-demand, every key a string. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const attributes = [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    ...TABLE_KEYS.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: "HASH" },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    })),
  };
}

/** Creates the table where no infrastructure does it (local emulators, tests). */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
}
