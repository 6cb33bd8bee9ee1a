export * from "./aws.ts";
export * from "./config.ts";
