export * from "./deliver.ts";
export * from "./fetch-feed.ts";
export * from "./ingest.ts";
export * from "./loop.ts";
export * from "./match.ts";
export * from "./poll.ts";
export * from "./schedule.ts";
export * from "./serial.ts";
