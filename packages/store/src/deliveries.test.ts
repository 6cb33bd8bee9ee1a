import { afterAll, beforeAll } from "vitest";
import { type LocalDynamo, startDynalite } from "../test/dynalite.ts";
import { SqliteDeliveryStore, SqliteSuppressionList } from "./deliveries.ts";
import { deliveryStoreContract, suppressionListContract } from "./deliveries-contract.ts";
import { DynamoDeliveryStore, DynamoSuppressionList } from "./dynamodb/deliveries.ts";
import { openDatabase } from "./schema.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

const onDynalite = async () => ({ client: dynamo.client, tableName: await dynamo.freshTable() });

deliveryStoreContract("SQLite", async () => new SqliteDeliveryStore(openDatabase(":memory:")));
deliveryStoreContract("DynamoDB", async () => new DynamoDeliveryStore(await onDynalite()));
suppressionListContract("SQLite", async () => new SqliteSuppressionList(openDatabase(":memory:")));
suppressionListContract("DynamoDB", async () => new DynamoSuppressionList(await onDynalite()));
