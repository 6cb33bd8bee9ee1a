/// <reference path="./dynalite-module.d.ts" />
import type { AddressInfo } from "node:net";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { createTable } from "../src/dynamodb/table.ts";

export interface LocalDynamo {
  client: DynamoDBClient;
  /** http://127.0.0.1:<port>, for code that builds its own client (AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  /** Creates an empty table with the store's schema and waits until it is active. */
  freshTable(): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

/** dynalite in this process on a random loopback port, and a client pointed at it. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    client,
    endpoint,
    async freshTable() {
      const name = `treatywatch-${process.pid}-${++tables}`;
      await createTable(client, name);
      for (;;) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === "ACTIVE") return name;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
