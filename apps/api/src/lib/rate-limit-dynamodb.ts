/// <reference path="./rate-limiter-flexible.d.ts" />
import type { DynamoDB } from "@aws-sdk/client-dynamodb";
import RateLimiterDynamo from "rate-limiter-flexible/lib/RateLimiterDynamo.js";
import { memoryRateLimiters, type RateLimiterFactory } from "./rate-limit.ts";

/** The table rate-limiter-flexible counts in: string key `key`, expiry (Unix seconds) in `expire`, TTL on it. */
export const RATE_LIMIT_TABLE_KEYS = { partitionKey: "key", ttlAttribute: "expire" } as const;

/**
 * Limits every API instance shares: rate-limiter-flexible's DynamoDB store, one item a
 * key and window that DynamoDB's TTL removes. Should the table fail, each instance goes
 * on counting in its own memory rather than refusing or letting everything through.
 */
export function dynamoRateLimiters(
  client: Pick<DynamoDB, "getItem" | "updateItem" | "deleteItem">,
  tableName: string,
): RateLimiterFactory {
  return (limit, name) =>
    new RateLimiterDynamo({
      storeClient: client,
      tableName,
      // The deployment creates the table with its TTL; the limiter only reads and writes items.
      tableCreated: true,
      ttlSet: true,
      points: limit.requests,
      duration: limit.windowSeconds,
      keyPrefix: name,
      insuranceLimiter: memoryRateLimiters(limit, name),
    });
}
