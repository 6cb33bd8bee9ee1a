import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { encodeCursor, type Page, type Timestamp } from "@treatywatch/core";

/** Where an adapter keeps its records: the one table every DynamoDB adapter shares. */
export interface DynamoTableOptions {
  client: DynamoDBClient;
  tableName: string;
}

/** An adapter's hold on the shared table: the document client and the table's name. */
export abstract class OnTable {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;

  constructor(options: DynamoTableOptions) {
    this.doc = documentClient(options.client);
    this.table = options.tableName;
  }
}

/** A document client that drops undefined fields, as every adapter writes optional fields. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Sort keys are `<timestamp>#<id>`: ISO timestamps have one length, so strings sort as (time, id). */
export const timeKey = (at: Timestamp, id: string) => `${at}#${id}`;

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === "ConditionalCheckFailedException"
  );
}

/** Runs a conditional write; false when its condition did not hold. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Epoch seconds, the unit DynamoDB's TTL reads. */
export function expiresAt(at: Timestamp, days: number): number {
  return Math.floor(Date.parse(at) / 1000) + days * 86_400;
}

/** The epoch seconds of a timestamp, for TTL attributes that expire exactly when the record does. */
export const epochSeconds = (at: Timestamp): number => Math.floor(Date.parse(at) / 1000);

/** Every record a query matches, following pages. */
export async function queryAll<T>(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<T[]> {
  const records: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    records.push(...((result.Items ?? []) as T[]));
    start = result.LastEvaluatedKey;
  } while (start);
  return records;
}

/** Up to `wanted` records of a query, following pages until enough passed its filter. */
export async function queryUpTo<T>(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  wanted: number,
): Promise<T[]> {
  const records: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await doc.send(
      new QueryCommand({ ...input, Limit: Math.max(wanted, 25), ExclusiveStartKey: start }),
    );
    records.push(...((result.Items ?? []) as T[]));
    start = result.LastEvaluatedKey;
  } while (start && records.length < wanted);
  return records.slice(0, wanted);
}

/** A page of `limit` from `limit + 1` rows, with the cursor of its last row when more follow. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  sortKey: (row: T) => string,
  id: (row: T) => string = (row) => (row as { id: string }).id,
): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor: rows.length > limit && last ? encodeCursor({ key: sortKey(last), id: id(last) }) : undefined,
  };
}
