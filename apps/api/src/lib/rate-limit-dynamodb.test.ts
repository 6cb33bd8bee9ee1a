import { CreateTableCommand, DynamoDB } from "@aws-sdk/client-dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testServices } from "../../test/factories.ts";
import { createApp } from "../app.ts";
import { dynamoRateLimiters, RATE_LIMIT_TABLE_KEYS } from "./rate-limit-dynamodb.ts";

/** The bindings @hono/node-server gives a request from `address`. */
const fromPeer = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe("rate limits in DynamoDB", () => {
  let dynamo: LocalDynamo;
  let client: DynamoDB;
  const table = "treatywatch-rate-limits";

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDB({
      endpoint: dynamo.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: RATE_LIMIT_TABLE_KEYS.partitionKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: RATE_LIMIT_TABLE_KEYS.partitionKey, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  /** An API instance counting in the shared table (or, for `tableName`, another). */
  const instance = (tableName = table) =>
    createApp(testServices(), {
      anonymousRateLimit: { requests: 3, windowSeconds: 60 },
      rateLimiters: dynamoRateLimiters(client, tableName),
    });

  it("holds one limit across instances: the third instance's request is the fourth of the window", async () => {
    const [a, b, c] = [instance(), instance(), instance()];
    const get = (app: ReturnType<typeof instance>) => app.request("/v1/taxonomy", {}, fromPeer("203.0.113.40"));

    const statuses = [(await get(a)).status, (await get(b)).status, (await get(a)).status];
    const fourth = await get(c);
    const elsewhere = await c.request("/v1/taxonomy", {}, fromPeer("198.51.100.40"));

    expect(statuses).toEqual([200, 200, 200]);
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(elsewhere.status).toBe(200);
  });

  it("goes on limiting in memory when the table cannot be reached", async () => {
    const app = instance("no-such-table");
    const statuses: number[] = [];

    for (let i = 0; i < 4; i++) statuses.push((await app.request("/v1/taxonomy", {}, fromPeer("203.0.113.41"))).status);

    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
