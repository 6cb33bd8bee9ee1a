export * from "./charset.ts";
export * from "./feed-list.ts";
export * from "./parse.ts";
export * from "./url.ts";
