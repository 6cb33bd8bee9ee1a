export * from "./app.ts";
export { confirmationsSent, deliveredConfirmations, describeSubscription } from "./lib/confirmations.ts";
export * from "./lib/defaults.ts";
export type { AppEnv, AppOptions, Services } from "./lib/env.ts";
export * from "./lib/errors.ts";
export { issueApiKey } from "./lib/keys.ts";
export * from "./serve.ts";
