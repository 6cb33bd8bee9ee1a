import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface CountedClient {
  client: DynamoDBClient;
  /** Calls sent since the last `reset`, by operation (`BatchGetItemCommand`, `PutItemCommand` ...). */
  calls: Map<string, number>;
  total(): number;
  reset(): void;
}

/**
 * A DynamoDB client on `endpoint` that counts every call it sends and, with `latencyMs`, waits
 * that long before each: the round trip a real table adds, which dynalite in this process does not.
 */
export function countedClient(endpoint: string, latencyMs = 0): CountedClient {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    // One client stands for many functions at once here, so it may hold as many connections as they would.
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: 256 } },
  });
  const calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "unknown";
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return next(args);
    },
    { step: "initialize", name: "countCalls" },
  );
  return {
    client,
    calls,
    total: () => [...calls.values()].reduce((sum, count) => sum + count, 0),
    reset: () => calls.clear(),
  };
}
