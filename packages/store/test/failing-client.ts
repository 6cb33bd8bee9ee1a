import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** Picks calls by their command's name (`PutItemCommand` ...) and their input as sent (marshalled or not). */
export type PicksCall = (command: string, input: Record<string, unknown>) => boolean;

export interface FailingOptions {
  /**
   * The process dies at the first call picked: that call and every one after it fail, picked or
   * not. Without it, each call picked fails and the others go through.
   */
  dies?: boolean;
  /** Only the first `times` calls picked fail (all of them unless given). */
  times?: number;
  /** What a failed call throws: "the process died" when it dies, else "write failed". */
  error?: () => Error;
}

export interface FailingClient {
  client: DynamoDBClient;
  /** How many calls failed. */
  failed(): number;
  /** Waits for the calls that went through: a failed call's siblings may still be landing. */
  settled(): Promise<void>;
}

/**
 * A DynamoDB client on `endpoint` whose calls fail when `picks` picks them, as a throttled or
 * lost write would, or (`dies`) as when the process dies. The SDK tries each call once, so a
 * failure is not retried away.
 */
export function failingClient(endpoint: string, picks: PicksCall, options: FailingOptions = {}): FailingClient {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const times = options.times ?? Number.POSITIVE_INFINITY;
  const error = options.error ?? (() => new Error(options.dies ? "the process died" : "write failed"));
  let failed = 0;
  let dead = false;
  const sent: Promise<unknown>[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const picked = () => failed < times && picks(context.commandName ?? "", args.input as Record<string, unknown>);
      if (options.dies) dead ||= picked();
      if (options.dies ? dead : picked()) {
        failed++;
        throw error();
      }
      const result = next(args);
      sent.push(result.catch(() => undefined));
      return result;
    },
    { step: "initialize", name: "failPicked" },
  );
  return {
    client,
    failed: () => failed,
    settled: async () => {
      await Promise.all(sent);
    },
  };
}

/** A key attribute as it is sent: a string, or marshalled (`{ S: "ITEM" }`); "" for anything else. */
function keyString(attribute: unknown): string {
  if (typeof attribute === "string") return attribute;
  const marshalled = (attribute as { S?: unknown } | null | undefined)?.S;
  return typeof marshalled === "string" ? marshalled : "";
}

/** The sort keys a BatchWriteItem call puts, read as they are sent (marshalled or not). */
export function sortKeysPut(input: Record<string, unknown>): string[] {
  type Request = { PutRequest?: { Item?: { sk?: unknown } } };
  return Object.values((input.RequestItems ?? {}) as Record<string, Request[]>)
    .flat()
    .map(({ PutRequest }) => keyString(PutRequest?.Item?.sk));
}

/**
 * Picks the PutItem of a record whose key starts `pk` and whose sort key is `sk` (`"ITEM#"`,
 * `"ITEM"`), read as it is sent (marshalled or not).
 */
export function putsRecord(pk: string, sk: string): PicksCall {
  return (command, input) => {
    const key = input.Item as { pk?: unknown; sk?: unknown } | undefined;
    return command === "PutItemCommand" && keyString(key?.pk).startsWith(pk) && keyString(key?.sk) === sk;
  };
}
