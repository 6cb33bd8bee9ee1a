import { afterAll, beforeAll } from "vitest";
import { type LocalDynamo, startDynalite } from "../test/dynalite.ts";
import { DynamoSubscriptionStore } from "./dynamodb/subscriptions.ts";
import { openDatabase } from "./schema.ts";
import { SqliteSubscriptionStore } from "./subscriptions.ts";
import { subscriptionStoreContract } from "./subscriptions-contract.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

subscriptionStoreContract("SQLite", async () => new SqliteSubscriptionStore(openDatabase(":memory:")));
subscriptionStoreContract(
  "DynamoDB",
  async () => new DynamoSubscriptionStore({ client: dynamo.client, tableName: await dynamo.freshTable() }),
);
