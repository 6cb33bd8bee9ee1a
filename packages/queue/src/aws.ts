/** The queue package without the SQLite adapter: what Lambda functions import. */
export * from "./lambda.ts";
export * from "./port.ts";
export * from "./sqs.ts";
