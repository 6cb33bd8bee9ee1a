export * from "./address.ts";
export * from "./client.ts";
export * from "./fetcher.ts";
export * from "./webhook-url.ts";
