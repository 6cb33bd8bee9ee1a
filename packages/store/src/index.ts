export * from "./schema.ts";
export * from "./sqlite.ts";
