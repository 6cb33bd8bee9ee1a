export * from "./events.ts";
export * from "./ids.ts";
export * from "./mail.ts";
export * from "./payloads.ts";
export * from "./poster.ts";
export * from "./retry.ts";
export * from "./ses-events.ts";
export * from "./webhook.ts";
