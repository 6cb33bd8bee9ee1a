/// <reference path="./dynalite-module.d.ts" />
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
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
  return onEndpoint(
    `http://127.0.0.1:${port}`,
    () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  );
}

/**
 * dynalite in a child process (for benchmarks: the emulator's work then runs on another core
 * than its caller's). `cpuMs` stops it and reports the CPU time it used; `cpuSoFar` reports
 * the CPU time used so far, one call at a time.
 */
export async function startDynaliteProcess(): Promise<
  LocalDynamo & { cpuMs(): Promise<number>; cpuSoFar(): Promise<number> }
> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./dynalite-server.ts", import.meta.url).pathname],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const { port } = JSON.parse(String(first.value)) as { port: number };
  let stopped: Promise<number> | undefined;
  const stopProcess = () => {
    stopped ??= (async () => {
      child.stdin.end();
      const last = await lines.next();
      return (JSON.parse(String(last.value)) as { cpuMs: number }).cpuMs;
    })();
    return stopped;
  };
  const dynamo = onEndpoint(`http://127.0.0.1:${port}`, async () => {
    await stopProcess();
  });
  const cpuSoFar = async () => {
    child.stdin.write("\n");
    const line = await lines.next();
    return (JSON.parse(String(line.value)) as { cpuMs: number }).cpuMs;
  };
  return { ...dynamo, cpuMs: stopProcess, cpuSoFar };
}

function onEndpoint(endpoint: string, close: () => Promise<void>): LocalDynamo {
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
      await close();
    },
  };
}
