import { afterAll, beforeAll } from "vitest";
import { type LocalDynamo, startDynalite } from "../test/dynalite.ts";
import { DynamoKeyStore } from "./dynamodb/keys.ts";
import { SqliteKeyStore } from "./keys.ts";
import { keyStoreContract } from "./keys-contract.ts";
import { openDatabase } from "./schema.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

keyStoreContract("SQLite", async () => new SqliteKeyStore(openDatabase(":memory:")));
keyStoreContract(
  "DynamoDB",
  async () => new DynamoKeyStore({ client: dynamo.client, tableName: await dynamo.freshTable() }),
);
