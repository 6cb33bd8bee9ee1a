export * from "./deliveries.ts";
export * from "./keys.ts";
export * from "./savepoints.ts";
export * from "./schema.ts";
export * from "./sqlite.ts";
export * from "./stored-texts.ts";
export * from "./subscriptions.ts";
