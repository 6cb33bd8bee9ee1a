export * from "./lambda.ts";
export * from "./port.ts";
export * from "./sqlite.ts";
export * from "./sqs.ts";
