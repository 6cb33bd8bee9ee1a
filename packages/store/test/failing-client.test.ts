import { type DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamo, startDynalite } from "./dynalite.ts";
import { failingClient, putsRecord } from "./failing-client.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

/** An item's record and its URL marker, put as the SDK sends them: marshalled, or through the document client. */
const PUTS = {
  marshalled: (client: DynamoDBClient, tableName: string, pk: string, sk: string) =>
    client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, sk: { S: sk } } })),
  unmarshalled: (client: DynamoDBClient, tableName: string, pk: string, sk: string) =>
    DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: tableName, Item: { pk, sk } })),
};

describe.each(Object.entries(PUTS))("putsRecord picks a PutItem sent %s", (_form, put) => {
  it("fails the put of the record it names, counted, and lets another record's put through", async () => {
    const tableName = await dynamo.freshTable();
    const failing = failingClient(dynamo.endpoint, putsRecord("ITEM#", "ITEM"));

    await expect(put(failing.client, tableName, "ITEM#itm_1", "ITEM")).rejects.toThrow("write failed");
    await put(failing.client, tableName, "ITEMURL#https://desk.example/a", "ITEMURL");

    expect(failing.failed()).toBe(1);
    const stored = async (pk: string, sk: string) =>
      (await dynamo.client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } } })))
        .Item;
    expect(await stored("ITEM#itm_1", "ITEM")).toBeUndefined();
    expect(await stored("ITEMURL#https://desk.example/a", "ITEMURL")).toBeDefined();
  });
});
