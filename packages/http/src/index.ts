export * from "./fetcher.ts";
